namespace BpfMaps.Kernel.Interop;

/// <summary>The native functions this backend calls, one per file (Sys.*.cs), errno as a typed value.</summary>
internal static partial class Sys
{
    /// <summary>The C library every entry point lives in (glibc's soname; libc.so itself is a linker script).</summary>
    private const string LibC = "libc.so.6";
}
