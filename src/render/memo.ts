/**
 * `compute` remembered for the last `size` distinct keys used (the least recently used dropped
 * first). For pure steps of rendering whose inputs repeat, such as message bodies, rendered for
 * every broadcast and every page that shows them.
 */
export function memo<K, V>(size: number, compute: (key: K) => V): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    let value = kept.get(key);
    if (value === undefined) {
      if (kept.size >= size) kept.delete(kept.keys().next().value!);
      value = compute(key);
    } else {
      // Last in the map's order, so the next to go is the one unused the longest.
      kept.delete(key);
    }
    kept.set(key, value);
    return value;
  };
}
