// Which k clusters a frame keeps: sherpa-onnx's TopkIndex (math.h) is std::partial_sort over the
// indices by descending count, and with equal counts the winner depends on libstdc++'s heap
// algorithm (sherpa-onnx-node's Linux builds use GCC). This is that algorithm (__heap_select,
// __adjust_heap, __push_heap), so ties are broken as the peer breaks them. Only the set matters.

/** Indices of the k largest values of `values` (k clamped to [0, length]), as libstdc++'s partial_sort picks them. */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const size = values.length;
  const kk = Math.max(0, Math.min(size, k));
  const idx = Array.from({ length: size }, (_, i) => i);
  if (kk === 0) return [];
  // comp(a, b): a goes before b, i.e. values[a] > values[b]; the heap keeps the "largest" by comp on top,
  // which is the smallest value.
  const comp = (a: number, b: number) => values[a] > values[b];
  const pushHeap = (hole: number, top: number, value: number) => {
    let parent = Math.floor((hole - 1) / 2);
    while (hole > top && comp(idx[parent], value)) {
      idx[hole] = idx[parent];
      hole = parent;
      parent = Math.floor((hole - 1) / 2);
    }
    idx[hole] = value;
  };
  const adjustHeap = (hole: number, len: number, value: number) => {
    const top = hole;
    let second = hole;
    while (second < Math.floor((len - 1) / 2)) {
      second = 2 * (second + 1);
      if (comp(idx[second], idx[second - 1])) second--;
      idx[hole] = idx[second];
      hole = second;
    }
    if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
      second = 2 * (second + 1);
      idx[hole] = idx[second - 1];
      hole = second - 1;
    }
    pushHeap(hole, top, value);
  };
  // make_heap(first, middle)
  if (kk >= 2) {
    for (let parent = Math.floor((kk - 2) / 2); ; parent--) {
      adjustHeap(parent, kk, idx[parent]);
      if (parent === 0) break;
    }
  }
  for (let i = kk; i < size; i++) {
    if (comp(idx[i], idx[0])) {
      // __pop_heap(first, middle, i)
      const value = idx[i];
      idx[i] = idx[0];
      adjustHeap(0, kk, value);
    }
  }
  return idx.slice(0, kk);
}
