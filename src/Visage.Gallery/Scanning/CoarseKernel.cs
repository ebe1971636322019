namespace Visage.Gallery.Scanning;

/// <summary>The instruction set a coarse scan runs on; every kernel returns the same integers.</summary>
internal enum CoarseKernel
{
    /// <summary>Portable; the reference for the others.</summary>
    Scalar,

    /// <summary>AVX2 vpmaddubsw on 32-byte chunks.</summary>
    Avx2,

    /// <summary>AVX-512BW vpmaddubsw on 64-byte chunks: half the instructions per row.</summary>
    Avx512,
}
