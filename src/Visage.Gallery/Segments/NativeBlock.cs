using System.Runtime.InteropServices;

namespace Visage.Gallery.Segments;

/// <summary>
/// Zeroed, 64-byte (large blocks: 2 MB, on huge pages where Linux allows) aligned unmanaged memory. Freed on dispose or, if a gallery is never disposed, by the finalizer;
/// cleared before it is freed so no template code survives in released memory.
/// </summary>
internal sealed unsafe class NativeBlock : SafeHandle
{
    public NativeBlock(nuint length)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Length = length;
        var memory = NativeMemory.AlignedAlloc(length, HugePages.AlignmentFor(length));
        HugePages.Advise(memory, length);
        NativeMemory.Clear(memory, length);
        SetHandle((nint)memory);
        GC.AddMemoryPressure((long)length);
    }

    public nuint Length { get; }

    public byte* Pointer => (byte*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.Clear((void*)handle, Length);
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure((long)Length);
        return true;
    }
}
