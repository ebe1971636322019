namespace Visage.Deid.Redaction;

/// <summary>How a region is made unreadable. Each is strong enough that a redacted face no longer matches its original.</summary>
public enum RedactionStyle
{
    /// <summary>Coarse mosaic: four blocks across the region's longer side.</summary>
    Pixelate,

    /// <summary>A Gaussian blur with a sigma of a third of the region's longer side, which leaves only overall colour.</summary>
    Blur,

    /// <summary>A solid black box.</summary>
    SolidBox,
}
