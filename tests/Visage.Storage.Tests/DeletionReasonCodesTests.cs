namespace Visage.Storage.Tests;

public sealed class DeletionReasonCodesTests
{
    [Fact]
    public void DeletionReasonCodes_RoundTripEveryReason_AndRefuseFreeText()
    {
        foreach (var reason in Enum.GetValues<DeletionReason>())
        {
            Assert.True(DeletionReasonCodes.TryParse(reason.ToCode(), out var parsed));
            Assert.Equal(reason, parsed);
        }

        Assert.Equal(["withdrawn", "expired", "retention", "request", "error-correction", "incident"], DeletionReasonCodes.All);
        Assert.False(DeletionReasonCodes.TryParse("patient John X withdrew", out _));
        Assert.False(DeletionReasonCodes.TryParse("Withdrawn", out _));
    }
}
