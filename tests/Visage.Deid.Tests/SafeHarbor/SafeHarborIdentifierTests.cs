using Visage.Deid.SafeHarbor;

namespace Visage.Deid.Tests.SafeHarbor;

public sealed class SafeHarborIdentifierTests
{
    [Fact]
    public void All_HasTheEighteenIdentifiersEachDescribed()
    {
        Assert.Equal(18, SafeHarborIdentifiers.All.Count);
        Assert.Equal(SafeHarborIdentifier.Names, SafeHarborIdentifiers.All[0]);
        Assert.Equal(SafeHarborIdentifier.OtherUniqueIdentifiers, SafeHarborIdentifiers.All[17]);
        Assert.Equal(18, SafeHarborIdentifiers.All.Select(i => i.Describe()).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("ZIP", SafeHarborIdentifier.GeographicSubdivisions.Describe(), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SafeHarborIdentifier)0).Describe());
    }
}
