/**
 * `slimprune eval --images <folder>`: a saved model measured on a folder of your own labelled
 * images (folder/<class>/*.png|jpg|jpeg|webp), every image a test image, resized and converted to
 * the model's input. The pixels are normalised as the model was trained, which a run's
 * model.json says (else --normalize must), and the folder's classes must be the model's, in its
 * order: a model scored against shuffled labels would look broken, or worse, fine.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadImageFolder, unitNormalization, type ModelDescription, type TaskData } from 'slimprune/internal';

type Normalization = { readonly mean: readonly number[]; readonly std: readonly number[] };

export async function imageFolderTestData(
  modelFile: string, model: tfl.LayersModel, description: ModelDescription, folder: string, flag: 'data' | 'unit' | Normalization | undefined,
  say?: (line: string) => void,
): Promise<TaskData> {
  const [, height, width, channels] = model.inputs[0]?.shape ?? [];
  if (typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) {
    throw new Error(`${modelFile} takes inputs of shape [${(model.inputs[0]?.shape ?? []).map(String).join(', ')}]; --images needs a fixed [height, width, 1 or 3] input to resize the images to`);
  }
  if (flag === 'data') throw new Error("--normalize data would normalise by the test images' own statistics; give what the model was trained with: 'unit' or m1,m2,m3/s1,s2,s3");
  const normalization = flag === 'unit' ? unitNormalization(channels) : flag ?? description.normalization;
  if (!normalization) {
    throw new Error(`${modelFile} says nothing of how its inputs were normalised; pass --normalize 'unit' (pixels/255) or m1,m2,m3/s1,s2,s3, what the model was trained with`);
  }
  if (normalization.mean.length !== channels) throw new Error(`the normalisation has ${normalization.mean.length} channels, the model takes ${channels}`);

  let said = 0;
  const images = await loadImageFolder(folder, {
    height, width, channels, validationFraction: 0,
    onProgress: (done, total) => {
      if (done < total && performance.now() - said < 1000) return;
      said = performance.now();
      say?.(`reading images: ${done}/${total} files`);
    },
  });
  const classes = model.outputs[0]?.shape.at(-1);
  if (images.classNames.length !== classes) {
    throw new Error(`${folder} has ${images.classNames.length} class folders (${images.classNames.join(', ')}), but ${modelFile} has ${String(classes)} outputs`);
  }
  const names = description.classNames;
  if (names && names.join('\u0000') !== images.classNames.join('\u0000')) {
    throw new Error(`${folder}'s class folders (${images.classNames.join(', ')}) are not ${modelFile}'s classes in its order (${names.join(', ')}); name the folders as its classes`);
  }
  return {
    spec: { folder, height, width, channels, validationFraction: 0, normalization },
    // Every image is a test image (validationFraction 0 keeps them all in the first split).
    train: images.test,
    test: images.train,
    normalization: { mean: [...normalization.mean], std: [...normalization.std] },
    augment: false,
    classNames: images.classNames,
    description: folder,
  };
}
