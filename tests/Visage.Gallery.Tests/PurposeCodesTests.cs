namespace Visage.Gallery.Tests;

/// <summary>The persisted forms of <see cref="Purposes"/>: bits in storage and codes in the audit log never change meaning.</summary>
public sealed class PurposeCodesTests
{
    [Theory]
    [InlineData(Purposes.CheckIn, 1, "check-in")]
    [InlineData(Purposes.EmergencyIdentification, 2, "emergency-identification")]
    [InlineData(Purposes.StepUp, 4, "step-up")]
    [InlineData(Purposes.Research, 8, "research")]
    [InlineData(Purposes.DuplicateDetection, 16, "duplicate-detection")]
    [InlineData(Purposes.Operations, 256, "operations")]
    [InlineData(Purposes.SecurityReview, 512, "security-review")]
    public void Each_purpose_keeps_its_bit_and_its_code(Purposes purpose, int bit, string code)
    {
        Assert.Equal(bit, (int)purpose);
        Assert.Equal(code, purpose.ToCode());
        Assert.True(PurposeCodes.TryParse(code, out var parsed));
        Assert.Equal(purpose, parsed);
    }

    [Fact]
    public void Every_code_is_listed_once()
    {
        Assert.Equal(PurposeCodes.All.Count, PurposeCodes.All.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(7, PurposeCodes.All.Count);
    }

    [Theory]
    [InlineData(Purposes.None)]
    [InlineData(Purposes.CheckIn | Purposes.StepUp)]
    [InlineData((Purposes)64)]
    public void A_set_or_nothing_has_no_code(Purposes purposes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => purposes.ToCode());

    [Theory]
    [InlineData("Check-In")]
    [InlineData("treatment")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_codes_do_not_parse(string? code) => Assert.False(PurposeCodes.TryParse(code, out _));

    [Fact]
    public void TheRecognitionPurposes_AreTheOnesATemplateMayCarry_OneEach()
    {
        Assert.Equal([Purposes.CheckIn, Purposes.EmergencyIdentification, Purposes.StepUp, Purposes.Research, Purposes.DuplicateDetection], PurposeCodes.Recognition);
        Assert.Equal(Purposes.Recognition, PurposeCodes.Recognition.Aggregate(Purposes.None, (all, p) => all | p));
    }

    [Theory]
    [InlineData(Purposes.StepUp, true)]
    [InlineData(Purposes.None, false)]
    [InlineData(Purposes.CheckIn | Purposes.StepUp, false)]
    [InlineData(Purposes.Operations, false)]
    public void OneRecognitionPurpose_IsExactlyOneRecognitionBit(Purposes purpose, bool one) =>
        Assert.Equal(one, PurposeCodes.IsOneRecognitionPurpose(purpose));

    [Theory]
    [InlineData(Purposes.CheckIn, true)]
    [InlineData(Purposes.Recognition, true)]
    [InlineData(Purposes.None, false)]
    [InlineData(Purposes.Operations, false)]
    [InlineData(Purposes.CheckIn | Purposes.SecurityReview, false)]
    public void Templates_carry_recognition_purposes_only(Purposes purposes, bool allowed) =>
        Assert.Equal(allowed, PurposeCodes.IsTemplateSet(purposes));
}
