// Folders of the user's own images (issue #16), built in memory as file lists so they run in
// every runtime: classes and labels, the resize against tfjs as oracle, the seeded stratified
// split, channel conversion, streamed batches equal to in-memory ones, the decoders, and every
// kind of bad input failing with a DataError that names the file.
import { suite, assert, assertEqual, assertBitEqual, assertDeepEqual, assertRejects, skip } from '../harness.ts';
import { useTfjsBackend } from '../tfjs.ts';
import { fileEntry, jpegFile, pngFile, randomPixels, WEBP_LOSSLESS, WEBP_LOSSY, WEBP_RGBA } from './image-files.ts';
import {
  imageFolderFromFiles, filesFromFileList, imageBitmapDecoding, resizeBilinear, readImageHeader, decodeImage, channelStats, Batcher, StreamBatcher, batcherFor,
  DataError, type ImageFolderEntry, type ImageHeader, type Batch,
} from 'slimprune/internal';

/** A folder of RGB PNGs: `perClass[k]` images of class `names[k]`, each h×w with seeded pixels. */
function pngFolder(names: readonly string[], perClass: readonly number[], height = 6, width = 5, seed = 1): ImageFolderEntry[] {
  return names.flatMap((name, k) =>
    Array.from({ length: perClass[k]! }, (_, i) =>
      fileEntry(`${name}/${String(i).padStart(3, '0')}.png`, pngFile(width, height, 3, randomPixels(height * width * 3, seed + 1000 * k + i)))));
}

function header(bytes: Uint8Array): ImageHeader {
  const h = readImageHeader(bytes);
  if (typeof h === 'string') throw new Error(h);
  return h;
}

/** Copies a batch: its arrays are reused by the next one. */
function copyBatch(b: Batch): unknown {
  return { x: b.x.slice(), labels: b.labels.slice(), indices: b.indices.slice(), size: b.size, index: b.index, crops: b.crops?.slice() };
}

export const imageFolderSuite = suite('image folders', (test) => {
  test('classes in code-point order, labels 0..n−1, files in path order, folders inside a class read', async () => {
    // Code points: 'B' < 'a' < 'b' < U+FF5A < U+1F600; UTF-16 order would put the emoji (D83D) first.
    const names = ['b', '\u{1F600}', 'a', 'B', '\uFF5A'];
    const files: ImageFolderEntry[] = [];
    const pixelsOf = new Map<string, Uint8Array>();
    names.forEach((name, k) => {
      for (const file of ['2.png', '10.png', 'sub/1.png']) {
        const pixels = randomPixels(4 * 3 * 3, k * 10 + file.length);
        pixelsOf.set(`${name}/${file}`, pixels);
        files.push(fileEntry(`${name}/${file}`, pngFile(3, 4, 3, pixels)));
      }
    });
    const folder = await imageFolderFromFiles(files.reverse(), { validationFraction: 0, root: 'set' });
    assertDeepEqual(folder.classNames, ['B', 'a', 'b', '\uFF5A', '\u{1F600}'], 'class names');
    const { train, test: held } = folder;
    assertEqual(train.name, 'set', 'set name');
    assertEqual(held.count, 0, 'nothing held out at fraction 0');
    assertDeepEqual([train.count, train.height, train.width, train.channels, train.classes], [15, 4, 3, 3, 5], 'shape');
    assertBitEqual(train.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], 'labels');
    const order = folder.classNames.flatMap((name) => ['10.png', '2.png', 'sub/1.png'].map((file) => `${name}/${file}`));
    order.forEach((path, i) => assertBitEqual(train.pixels.subarray(i * 36, (i + 1) * 36), pixelsOf.get(path)!, `image ${i} is ${path}`));
  });

  test("filesFromFileList: an <input webkitdirectory>'s files, relative to the chosen folder", async () => {
    const picked = (path: string, bytes: Uint8Array): File => {
      const file = new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').pop()!);
      Object.defineProperty(file, 'webkitRelativePath', { value: path });
      return file;
    };
    const a = pngFile(2, 1, 1, Uint8Array.of(1, 2));
    const b = pngFile(2, 1, 1, Uint8Array.of(3, 4));
    const entries = filesFromFileList([picked('chosen/y/b.png', b), picked('chosen/x/a.png', a)]);
    assertDeepEqual(entries.map((e) => e.path), ['y/b.png', 'x/a.png'], 'paths');
    const folder = await imageFolderFromFiles(entries, { validationFraction: 0, root: 'chosen' });
    assertDeepEqual(folder.classNames, ['x', 'y'], 'classes');
    assertBitEqual(folder.train.pixels, [1, 2, 3, 4], 'pixels');
  });

  test('bilinear resize ≡ tf.image.resizeBilinear(halfPixelCenters) on tfjs-backend-cpu, bit for bit', async () => {
    const tf = await useTfjsBackend('cpu');
    const shapes = [[5, 7, 3, 4], [4, 4, 9, 6], [1, 3, 2, 5], [13, 11, 13, 5], [6, 6, 1, 1], [3, 8, 7, 2], [32, 32, 28, 28]] as const;
    for (const [inH, inW, outH, outW] of shapes) {
      for (const channels of [1, 3]) {
        const src = randomPixels(inH * inW * channels, inH * 100 + outW + channels);
        const oracle = tf.tidy(() =>
          tf.image.resizeBilinear(tf.tensor4d(Float32Array.from(src), [1, inH, inW, channels]), [outH, outW], false, true).dataSync());
        assertBitEqual(resizeBilinear(src, inH, inW, channels, outH, outW), oracle, `${inH}×${inW}×${channels} → ${outH}×${outW}`);
      }
    }
    // Through a folder: images of two sizes, resized to one, are the oracle's floats rounded.
    const a = randomPixels(7 * 9 * 3, 5);
    const b = randomPixels(4 * 4 * 3, 6);
    const folder = await imageFolderFromFiles([fileEntry('x/a.png', pngFile(9, 7, 3, a)), fileEntry('x/b.png', pngFile(4, 4, 3, b))],
      { height: 5, width: 6, validationFraction: 0 });
    [[a, 7, 9], [b, 4, 4]].forEach(([src, h, w], i) => {
      const floats = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(Float32Array.from(src as Uint8Array), [1, h as number, w as number, 3]), [5, 6], false, true).dataSync());
      // Halves round up (Math.round), as PIL's fixed point does; tf.round would round them to even.
      const expected = Uint8Array.from(floats, (v) => Math.min(255, Math.max(0, Math.round(v))));
      assertBitEqual(folder.train.pixels.subarray(i * 90, (i + 1) * 90), expected, `resized image ${i}`);
    });
  });

  test('held-out split: stratified per class, the same for the same seed, another for another', async () => {
    const files = pngFolder(['cat', 'dog', 'eel'], [10, 7, 3]);
    const split = async (seed: number) => imageFolderFromFiles(files, { validationFraction: 0.3, seed, stream: true });
    const first = await split(1);
    const counts = (labels: Uint8Array) => [0, 1, 2].map((k) => labels.filter((l) => l === k).length);
    // round(0.3·n): 3 of 10, 2 of 7, 1 of 3.
    assertDeepEqual(counts(first.test.labels), [3, 2, 1], 'held out per class');
    assertDeepEqual(counts(first.train.labels), [7, 5, 2], 'kept per class');
    const all = [...first.train.files, ...first.test.files].sort();
    assertDeepEqual(all, files.map((f) => `images/${f.path}`).sort(), 'train and test partition the folder');
    assertDeepEqual((await split(1)).test.files, first.test.files, 'same seed, same split');
    assert((await split(2)).test.files.join() !== first.test.files.join(), 'another seed, another split');
    const inMemory = await imageFolderFromFiles(files, { validationFraction: 0.3, seed: 1 });
    assertBitEqual(inMemory.test.labels, first.test.labels, 'in memory: the same split');
    assertEqual(inMemory.test.name, 'images (held out)', 'held-out set name');
    // Every class keeps a training image, even when the fraction would take all of a small one.
    const tiny = await imageFolderFromFiles(pngFolder(['a', 'b'], [1, 4]), { validationFraction: 0.9, stream: true });
    assertDeepEqual(counts(tiny.train.labels).slice(0, 2), [1, 1], 'one training image each');
  });

  test('channels: grey copied to RGB, RGB to grey by BT.601 luma, alpha dropped, 16-bit to its high byte', async () => {
    const grey = Uint8Array.of(0, 50, 100, 255);
    const greyAlpha = Uint8Array.of(10, 1, 20, 2, 30, 3, 40, 4);
    const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30);
    const rgba = Uint8Array.of(1, 2, 3, 0, 4, 5, 6, 9, 7, 8, 9, 100, 250, 251, 252, 255);
    const wide = Uint16Array.of(0x0000, 0x12ff, 0xab00, 0xffff);
    const files = [
      fileEntry('c/1-grey.png', pngFile(2, 2, 1, grey)),
      fileEntry('c/2-grey-alpha.png', pngFile(2, 2, 2, greyAlpha)),
      fileEntry('c/3-rgb.png', pngFile(2, 2, 3, rgb)),
      fileEntry('c/4-rgba.png', pngFile(2, 2, 4, rgba)),
      fileEntry('c/5-grey16.png', pngFile(2, 2, 1, wide, 16)),
    ];
    const luma = (r: number, g: number, b: number) => (19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16;
    const asRgb = await imageFolderFromFiles(files, { channels: 3, validationFraction: 0 });
    const copy3 = (v: ArrayLike<number>) => Array.from(v).flatMap((x) => [x, x, x]);
    assertBitEqual(asRgb.train.pixels, [
      ...copy3(grey), ...copy3([10, 20, 30, 40]), ...rgb, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 251, 252, ...copy3([0x00, 0x12, 0xab, 0xff]),
    ], 'as RGB');
    const asGrey = await imageFolderFromFiles(files, { channels: 1, validationFraction: 0 });
    assertBitEqual(asGrey.train.pixels, [
      ...grey, 10, 20, 30, 40, luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255), luma(10, 200, 30),
      luma(1, 2, 3), luma(4, 5, 6), luma(7, 8, 9), luma(250, 251, 252), 0x00, 0x12, 0xab, 0xff,
    ], 'as grey');
    assertDeepEqual([luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255)], [76, 150, 29], 'BT.601 weights');
    await assertRejects(() => imageFolderFromFiles(files, { validationFraction: 0 }),
      /^images: its images mix channel counts: images\/c\/1-grey\.png is grey \(1 channel\), images\/c\/3-rgb\.png is colour \(3 channels\); pass channels: 1 or 3 \(--channels\)/,
      'mixed channel counts without channels');
  });

  test('streamed sets: the same batches as in memory for the same seed (shuffled, augmented), the same channelStats', async () => {
    const files = pngFolder(['a', 'b', 'c'], [6, 4, 3], 6, 5, 7);
    const inMemory = await imageFolderFromFiles(files, { validationFraction: 0.25 });
    const streamed = await imageFolderFromFiles(files, { validationFraction: 0.25, stream: true });
    const normalization = channelStats(inMemory.train);
    assertDeepEqual(await channelStats(streamed.train), normalization, 'channelStats');
    assertDeepEqual(await channelStats(streamed.train, Int32Array.of(3, 1)), channelStats(inMemory.train, Int32Array.of(3, 1)), 'channelStats of some');
    const options = { batchSize: 4, normalization, seed: 9, augment: { pad: 2 } };
    const memoryBatches = new Batcher(inMemory.train, undefined, options);
    const streamBatches = new StreamBatcher(streamed.train, undefined, options);
    assertEqual(streamBatches.batchesPerEpoch, memoryBatches.batchesPerEpoch, 'batches per epoch');
    for (const epoch of [0, 1]) {
      const expected = Array.from(memoryBatches.epoch(epoch), copyBatch);
      const actual: unknown[] = [];
      for await (const b of streamBatches.epoch(epoch)) actual.push(copyBatch(b));
      assertDeepEqual(actual, expected, `epoch ${epoch}`);
    }
    // The test set in order, as testBatcher makes it; batcherFor picks the source by the set.
    const tests = batcherFor(streamed.test, undefined, { batchSize: 2, normalization, shuffle: false });
    assert(tests instanceof StreamBatcher, 'a streamed set gets a StreamBatcher');
    assert(batcherFor(inMemory.test, undefined, { batchSize: 2 }) instanceof Batcher, 'a set in memory gets a Batcher');
    const got: unknown[] = [];
    for await (const b of tests.epoch(0)) got.push(copyBatch(b));
    assertDeepEqual(got, Array.from(new Batcher(inMemory.test, undefined, { batchSize: 2, normalization, shuffle: false }).epoch(0), copyBatch), 'test batches');
  });

  test('JPEG (jpeg-js) and WebP (libwebp) decode by their magic bytes, whatever the file is called', async () => {
    const rgb = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => ((i % 48) * 5 + Math.floor(i / 48) * 3) % 256);
    const jpeg = jpegFile(16, 16, rgb, 95);
    assertDeepEqual(header(jpeg), { format: 'jpeg', width: 16, height: 16, channels: 3, alpha: false }, 'JPEG header');
    assertDeepEqual(header(WEBP_LOSSLESS), { format: 'webp', width: 5, height: 3, channels: 3, alpha: false }, 'VP8L header');
    assertDeepEqual(header(WEBP_LOSSY), { format: 'webp', width: 5, height: 3, channels: 3, alpha: false }, 'VP8 header');
    assertDeepEqual(header(pngFile(1, 1, 2, Uint8Array.of(1, 2))), { format: 'png', width: 1, height: 1, channels: 1, alpha: true }, 'grey+alpha PNG header');
    const decoded = await decodeImage(jpeg, header(jpeg), 'js');
    let error = 0;
    for (let i = 0; i < rgb.length; i++) error += Math.abs(decoded.data[i]! - rgb[i]!);
    assert(error / rgb.length < 4, `JPEG at quality 95 decodes near its source (mean |error| ${error / rgb.length})`);
    const webp = await decodeImage(WEBP_LOSSLESS, header(WEBP_LOSSLESS), 'js');
    assertBitEqual(webp.data, WEBP_RGBA.filter((_, i) => i % 4 !== 3), 'lossless WebP: exact, alpha dropped');
    const lossy = await decodeImage(WEBP_LOSSY, header(WEBP_LOSSY), 'js');
    assertEqual(lossy.data.length, 5 * 3 * 3, 'lossy WebP size');
    const png = pngFile(5, 3, 3, webp.data);
    const folder = await imageFolderFromFiles([
      fileEntry('k/png-named.jpg', png), fileEntry('k/webp-named.png', WEBP_LOSSLESS), fileEntry('k/z.webp', WEBP_LOSSY),
    ], { validationFraction: 0, decoder: 'js' });
    assertBitEqual(folder.train.pixels.subarray(0, 45), webp.data, 'a PNG named .jpg');
    assertBitEqual(folder.train.pixels.subarray(45, 90), webp.data, 'a WebP named .png');
  });

  test('the browser decoders (createImageBitmap): PNG and lossless WebP exactly as the JS decoders, JPEG within 3 levels', async () => {
    const rgb = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => ((i % 48) * 5 + Math.floor(i / 48) * 3) % 256);
    const grey = randomPixels(7 * 9, 3);
    for (const [what, bytes] of [['RGB PNG', pngFile(16, 16, 3, rgb)], ['grey PNG', pngFile(9, 7, 1, grey)], ['lossless WebP', WEBP_LOSSLESS]] as const) {
      const h = header(bytes);
      assertBitEqual((await decodeImage(bytes, h, 'browser')).data, (await decodeImage(bytes, h, 'js')).data, what);
    }
    // Decoders may round their IDCT and colour conversion differently (libjpeg-turbo's integer
    // IDCT against jpeg-js's); at 4:4:4 without upsampling, a few levels at most.
    const jpeg = jpegFile(16, 16, rgb, 90);
    const browser = (await decodeImage(jpeg, header(jpeg), 'browser')).data;
    const js = (await decodeImage(jpeg, header(jpeg), 'js')).data;
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(browser[i]! - js[i]!));
    assert(worst <= 3, `JPEG: browser and jpeg-js differ by ${worst} levels at most`);
    // 'auto' is the browser's decoder where there is one.
    const folder = await imageFolderFromFiles([fileEntry('k/a.png', pngFile(16, 16, 3, rgb))], { validationFraction: 0 });
    assertBitEqual(folder.train.pixels, rgb, "decoder 'auto'");
  }, { skip: skip('needs createImageBitmap and an OffscreenCanvas 2d context (browsers)', imageBitmapDecoding) });

  test('refused with a DataError naming the file: paths, files outside class folders, empty classes, > 256 classes', async () => {
    const png = pngFile(2, 2, 1, Uint8Array.of(1, 2, 3, 4));
    const good = fileEntry('cat/1.png', png);
    await assertRejects(() => imageFolderFromFiles([]), /^images: has no class folders; put each class's images in a sub-folder/, 'empty root');
    await assertRejects(() => imageFolderFromFiles([fileEntry('.DS_Store', png)], { root: 'r' }), /^r: has no class folders/, 'only a hidden file');
    await assertRejects(() => imageFolderFromFiles([good, fileEntry('loose.png', png)]),
      /^images\/loose\.png: is not in a class folder; move it into root\/<class>\//, 'a file in the root');
    await assertRejects(() => imageFolderFromFiles([good, { path: 'dog/' }]),
      /^images\/dog\/: is a class folder with no images; add its images or remove it/, 'empty class folder');
    // Operating systems' metadata is skipped, so a class of nothing else is empty.
    await assertRejects(() => imageFolderFromFiles([good, fileEntry('dog/.DS_Store', png), fileEntry('dog/Thumbs.db', png), fileEntry('dog/__MACOSX/x.png', png)]),
      /^images\/dog\/: is a class folder with no images/, 'class of hidden files');
    const skipped = await imageFolderFromFiles([good, fileEntry('cat/.hidden.png', png), fileEntry('cat/desktop.ini', png), fileEntry('.git/x', png)], { validationFraction: 0 });
    assertEqual(skipped.train.count, 1, 'hidden files skipped');
    const bad = ['../cat/1.png', '/abs/cat/1.png', 'cat/./1.png', 'cat//1.png', 'C:/cat/1.png', 'cat\\1.png', 'cat/../../1.png'];
    try {
      await imageFolderFromFiles([good, ...bad.map((path) => fileEntry(path, png))]);
      throw new Error('did not reject');
    } catch (error) {
      assert(error instanceof DataError, `a DataError, got ${String(error)}`);
      assert(error.message.startsWith('images: 7 files cannot be used:'), error.message);
      for (const path of bad) assert(error.message.includes(`images/${path}: `), `names ${path}: ${error.message}`);
    }
    await assertRejects(() => imageFolderFromFiles([good, { path: 'cat/2.png' }]), /^images\/cat\/2\.png: has no bytes\(\)/, 'file without bytes');
    await assertRejects(() => imageFolderFromFiles([good, good]), /^images\/cat\/1\.png: is listed twice/, 'listed twice');
    const classes = Array.from({ length: 257 }, (_, i) => ({ path: `c${i}/` }));
    await assertRejects(() => imageFolderFromFiles(classes), /^images: has 257 class folders; at most 256 fit a byte label/, '257 classes');
  });

  test('refused with a DataError naming the file: corrupt, truncated, huge, not images; up to 10 listed', async () => {
    const rgb = randomPixels(16 * 16 * 3, 4);
    const png = pngFile(16, 16, 3, rgb);
    const jpeg = jpegFile(16, 16, rgb);
    const folder = (extra: ImageFolderEntry[]) => imageFolderFromFiles([fileEntry('cat/ok.png', png), ...extra], { validationFraction: 0 });
    await assertRejects(() => folder([fileEntry('cat/cut.png', png.subarray(0, png.length - 30))]),
      /^images\/cat\/cut\.png: could not be decoded as PNG \(.+\); the file is truncated or damaged: replace or remove it$/, 'truncated PNG');
    for (const keep of [0.3, 0.6, 0.9]) {
      await assertRejects(() => folder([fileEntry('cat/cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * keep)))]),
        /^images\/cat\/cut\.jpg: (could not be decoded as JPEG \(.+\); the file is truncated or damaged|is a JPEG without a frame header)/, `JPEG cut at ${keep}`);
    }
    const garbled = jpeg.slice();
    for (let i = Math.floor(garbled.length / 2); i < garbled.length - 2; i += 3) garbled[i] = 0xff;
    await assertRejects(() => folder([fileEntry('cat/garbled.jpg', garbled)]), /^images\/cat\/garbled\.jpg: could not be decoded as JPEG/, 'garbled JPEG');
    await assertRejects(() => folder([fileEntry('cat/notes.txt', new TextEncoder().encode('not an image'))]),
      /^images\/cat\/notes\.txt: is not a PNG, JPEG or WebP image \(by its first bytes\); remove it from the folder or convert it/, 'text file');
    await assertRejects(() => folder([fileEntry('cat/empty.png', new Uint8Array(0))]), /^images\/cat\/empty\.png: is not a PNG, JPEG or WebP image/, 'empty file');
    // Declared sizes are refused from the header, before any pixel is allocated.
    const huge = (width: number, height: number): Uint8Array => {
      const bytes = png.slice();
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return bytes;
    };
    await assertRejects(() => folder([fileEntry('cat/wide.png', huge(20000, 10))]),
      /^images\/cat\/wide\.png: declares a 20000×10 image, larger than we decode \(16384 px a side, 64 MP\); shrink it first/, 'a side over 16384');
    await assertRejects(() => folder([fileEntry('cat/big.png', huge(9000, 9000))]), /^images\/cat\/big\.png: declares a 9000×9000 image/, 'over 64 MP');
    const jpegHuge = jpeg.slice();
    const sof = jpegHuge.findIndex((b, i) => b === 0xff && jpegHuge[i + 1] === 0xc0);
    new DataView(jpegHuge.buffer).setUint16(sof + 5, 60000);
    await assertRejects(() => folder([fileEntry('cat/tall.jpg', jpegHuge)]), /^images\/cat\/tall\.jpg: declares a 16×60000 image/, 'JPEG over 16384');
    // Many bad files: one error, the first ten listed, the rest counted.
    const many = Array.from({ length: 12 }, (_, i) => fileEntry(`cat/bad-${String(i).padStart(2, '0')}.txt`, Uint8Array.of(i)));
    try {
      await folder(many);
      throw new Error('did not reject');
    } catch (error) {
      assert(error instanceof DataError, `a DataError, got ${String(error)}`);
      const message = (error as Error).message;
      assert(message.startsWith('images: 12 files cannot be used:'), message);
      for (let i = 0; i < 10; i++) assert(message.includes(`images/cat/bad-${String(i).padStart(2, '0')}.txt: is not a PNG`), `lists file ${i}`);
      assert(!message.includes('bad-10') && message.endsWith('… and 2 more'), `counts the rest: ${message}`);
    }
    // Streamed, a corrupt file whose header is sound fails the batch that decodes it.
    const streamed = await imageFolderFromFiles([fileEntry('cat/a.png', png), fileEntry('cat/b.png', png.subarray(0, png.length - 30))],
      { validationFraction: 0, stream: true });
    await assertRejects(async () => {
      for await (const _ of new StreamBatcher(streamed.train, undefined, { batchSize: 2 }).epoch(0)) { /* decode */ }
    }, /^images\/cat\/b\.png: could not be decoded as PNG/, 'streamed corrupt file');
  });

  test('refused: a test folder with other classes, images of mixed sizes without a size, bad options', async () => {
    const files = pngFolder(['cat', 'dog'], [2, 2]);
    await assertRejects(() => imageFolderFromFiles(files, { testFiles: pngFolder(['bird', 'cat'], [1, 1]), testRoot: 'held' }),
      /^held: must have the class folders of images; missing: dog; not in images: bird$/, 'test classes');
    const withTest = await imageFolderFromFiles(files, { testFiles: pngFolder(['cat', 'dog'], [1, 2], 6, 5, 50), testRoot: 'held' });
    assertDeepEqual([withTest.train.count, withTest.test.count, withTest.testRoot, withTest.test.name], [4, 3, 'held', 'held'], 'test folder');
    await assertRejects(() => imageFolderFromFiles([...files, fileEntry('dog/wide.png', pngFile(7, 6, 3, randomPixels(126, 1)))]),
      /^images: its images differ in size: images\/cat\/000\.png is 5×6, images\/dog\/wide\.png is 7×6; pass height and width \(--height, --width\) to resize them all/, 'mixed sizes');
    await assertRejects(() => imageFolderFromFiles(files, { height: 4 }), /^images: height 4 and width undefined: give both/, 'height alone');
    await assertRejects(() => imageFolderFromFiles(files, { height: 4, width: 20000 }), /^images: width must be an integer in 1\.\.16384/, 'width');
    await assertRejects(() => imageFolderFromFiles(files, { channels: 2 as 1 }), /^images: channels must be 1 or 3, got 2/, 'channels');
    await assertRejects(() => imageFolderFromFiles(files, { validationFraction: 1 }), /^images: validationFraction must be in \[0, 1\), got 1/, 'fraction');
    const progress: number[] = [];
    await imageFolderFromFiles(files, { onProgress: (done, total) => progress.push(done, total) });
    assertDeepEqual(progress.slice(-2), [8, 8], 'progress: each file read for its header, then decoded');
  });
});
