/** Zeebe keys: int64 = (partitionId << 51) + sequence. Partition 1 starts at 2251799813685249. */
export const PARTITION_ID = 1;
const PARTITION_BITS = 51n;

export function keyOf(sequence: number): string {
  return ((BigInt(PARTITION_ID) << PARTITION_BITS) + BigInt(sequence)).toString();
}

/** The sequence part of a key, or undefined when the text is not a key of this partition. */
export function sequenceOf(key: string): number | undefined {
  if (!/^\d{1,19}$/.test(key)) return undefined;
  const value = BigInt(key);
  if (value >> PARTITION_BITS !== BigInt(PARTITION_ID)) return undefined;
  return Number(value & ((1n << PARTITION_BITS) - 1n));
}
