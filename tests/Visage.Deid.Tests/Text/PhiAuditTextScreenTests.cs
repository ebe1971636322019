using Visage.Audit;
using Visage.Deid.Text;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Storage.Migrations;

namespace Visage.Deid.Tests.Text;

/// <summary>The PHI detector as the audit chain's free-text screen, on a real SQLite chain.</summary>
public sealed class PhiAuditTextScreenTests
{
    [Theory]
    [InlineData("John X DOB 1970-01-01 withdrew consent", "Date")]
    [InlineData("called back on 555-867-5309", "PhoneNumber")]
    [InlineData("opened chart MRN: 00123456", "RecordNumber")]
    [InlineData("jane roe was unresponsive in bay 3", "KnownIdentifier")]
    // Digits only are never taken for a generated identifier, however long.
    [InlineData("opened chart MRN: 001234567890123456789012", "RecordNumber")]
    [InlineData("seen 19981120 by the desk", "Date")]
    public void FindIdentifier_TextWithAnIdentifier_NamesItsKind(string text, string kind) =>
        Assert.Equal(kind, new PhiAuditTextScreen(new PhiDetector(["Jane Roe"])).FindIdentifier(text));

    [Theory]
    [InlineData("patient unresponsive, no identification on arrival")]
    [InlineData("withdrawn")]
    // Generated identifiers whose digits hold a compact date (19981120) are not dates.
    [InlineData("input sha256 3fa9d19981120e6b0c2d4e5f60718293a4b5c6d7e8f9012345678abcdef01234; output 0a1b2c3d4e5f60718293.dcm")]
    [InlineData("withdrawn; certificate 7c9e6679d19981120e4b8aa5f0c6a1b2")]
    [InlineData("subject 7c9e6679-1998-1120-8aa5-f0c6a1b2c3d4")]
    public void FindIdentifier_TextWithoutIdentifiers_Null(string text) =>
        Assert.Null(new PhiAuditTextScreen(new PhiDetector(["Jane Roe"])).FindIdentifier(text));

    [Fact]
    public void FindIdentifier_ADigestWithADateInside_TheDetectorAloneWouldRefuseIt()
    {
        const string reason = "input sha256 3fa9d19981120e6b0c2d4e5f60718293a4b5c6d7e8f9012345678abcdef01234; output 0a1b2c3d4e5f60718293.dcm";

        Assert.NotEmpty(new PhiDetector().Find(reason));
        Assert.Null(new PhiAuditTextScreen().FindIdentifier(reason));
    }

    [Fact]
    public async Task AppendAsync_ReasonWithANameAndBirthDate_RefusedAndNothingWritten()
    {
        var directory = Directory.CreateTempSubdirectory("visage-audit-screen-");
        try
        {
            await using var database = new SqliteDatabase(Path.Combine(directory.FullName, "visage.db"));
            await new SchemaMigrator(database).MigrateAsync();
            var keys = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "visage.keys"));
            var options = new AuditChainOptions { TextScreen = new PhiAuditTextScreen() };
            await using (var chain = await AuditChain.OpenAsync(database, keys, options))
            {
                // Refused before it is queued, so no caller can miss it by not awaiting.
                var refused = Assert.Throws<AuditTextRefusedException>(() => { _ = chain.AppendAsync(Entry("John X DOB 1970-01-01 withdrew consent")); });
                Assert.Contains("reason", refused.Message, StringComparison.Ordinal);
                Assert.Contains("(Date)", refused.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("1970", refused.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("John", refused.Message, StringComparison.Ordinal);

                var kept = await chain.AppendAsync(Entry("patient unresponsive, no identification on arrival"));
                Assert.Equal(1, kept.Sequence);
            }

            var verification = await AuditVerifier.VerifyAsync(database, keys.ExportSigningPublicKey());
            Assert.True(verification.IsIntact);
            Assert.Equal(1, verification.RecordsChecked);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static AuditEntry Entry(string reason) => new(
        Actor: "staff-17",
        ActorRole: "clinician",
        Action: "subject.identify",
        Purpose: Purposes.EmergencyIdentification,
        Subject: null,
        Outcome: "success",
        Reason: reason,
        ModelVersion: null,
        CorrelationId: "corr-1",
        ClientAddressHash: null);
}
