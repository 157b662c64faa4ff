namespace BpfMaps.Simulated;

/// <summary>
/// One element of a simulated map as <see cref="SimulatedBpfMapBackend.Dump"/> reports it: the key bytes (empty for
/// QUEUE and STACK) and the value bytes as a lookup would return them (one padded slot per possible CPU for per-CPU
/// maps).
/// </summary>
/// <param name="Key">The key, <c>key_size</c> bytes.</param>
/// <param name="Value">The value, laid out as <see cref="BpfMapLayout.ValueSize"/> says.</param>
public sealed record SimulatedMapEntry(byte[] Key, byte[] Value);
