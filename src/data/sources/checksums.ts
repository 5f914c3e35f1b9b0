/** Published MD5s of the standard files (METHOD.md §11), of the uncompressed bytes. */

/** The four IDX files of MNIST and of Fashion-MNIST, by their standard names. */
export const IDX_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
});

export type IdxFileName = (typeof IDX_FILES)[keyof typeof IDX_FILES];

export const MNIST_MD5: Readonly<Record<IdxFileName, string>> = Object.freeze({
  'train-images-idx3-ubyte': '6bbc9ace898e44ae57da46a324031adb',
  'train-labels-idx1-ubyte': 'a25bea736e30d166cdddb491f175f624',
  't10k-images-idx3-ubyte': '2646ac647ad5339dbf082846283269ea',
  't10k-labels-idx1-ubyte': '27ae3e4e09519cfbb04c329615203637',
});

export const FASHION_MNIST_MD5: Readonly<Record<IdxFileName, string>> = Object.freeze({
  'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
  'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
  't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
  't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
});

/** CIFAR-10's six binary batches, in the official order: five training batches, then the test batch. */
export const CIFAR10_BATCH_FILES = Object.freeze([
  'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin',
] as const);

export type Cifar10BatchFile = (typeof CIFAR10_BATCH_FILES)[number];

export const CIFAR10_MD5: Readonly<Record<Cifar10BatchFile, string>> = Object.freeze({
  'data_batch_1.bin': '5dd7e06a14cb22eb9f671a540d1b7c25',
  'data_batch_2.bin': '5ea93a67294ea407fff1d09f752e9692',
  'data_batch_3.bin': '942cd6a4bcdd0dd3c604fbe906cb4421',
  'data_batch_4.bin': 'ae636b3ba5c66a11e91e8cb52e771fcb',
  'data_batch_5.bin': '53f37980c15c3d472c316c40844f3f0d',
  'test_batch.bin': '803d5f7f4d78ea53de84dbe85f74fb6d',
});

export const CIFAR10_CLASSES = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const);
