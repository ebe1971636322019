using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Workflows.Tests.PurposeApprovals;

/// <summary>
/// Purpose limitation on a real store: nothing is usable until approved, a revocation takes it away again, decisions
/// survive a restart as history, every decision and refusal is audited. Run on SQLite and PostgreSQL.
/// </summary>
public abstract partial class PurposeRegistryTests : StoreBackedTests
{
    private static readonly AuditActor Officer = new("po-1", "privacy-officer");
    private PurposeRegistry registry = null!;

    protected override IReadOnlyList<IAuditTextScreen> Screens { get; } = [new MrnScreen()];

    protected override void CreateServices() => registry = new PurposeRegistry(Store, Log, Screens, TimeProvider.System);

    [Fact]
    public async Task AFreshStore_ApprovesNothing_EveryRecognitionPurposeIsRefused()
    {
        var statuses = await registry.ListAsync();

        Assert.Equal(["check-in", "emergency-identification", "step-up", "research", "duplicate-detection"], statuses.Select(s => s.Code));
        Assert.All(statuses, s => Assert.False(s.Approved));
        var refused = await Assert.ThrowsAsync<PurposeNotApprovedException>(() => registry.EnsureApprovedAsync(Purposes.CheckIn));
        Assert.Contains("'check-in' is not approved", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_ThenRevoke_UsableOnlyInBetween_AndTheHistorySurvivesARestart()
    {
        var approval = await registry.ApproveAsync(Officer, Purposes.CheckIn, "DPIA-2026-04 approved by the privacy committee");
        await registry.EnsureApprovedAsync(Purposes.CheckIn);
        await Assert.ThrowsAsync<PurposeNotApprovedException>(() => registry.EnsureApprovedAsync(Purposes.EmergencyIdentification));
        var listed = Assert.Single(await registry.ListAsync(), s => s.Purpose == Purposes.CheckIn);
        Assert.Equal(("po-1", approval.Id), (listed.InForce!.DecidedBy, listed.InForce.Id));

        await registry.RevokeAsync(Officer, Purposes.CheckIn, "kiosk pilot ended");
        await Assert.ThrowsAsync<PurposeNotApprovedException>(() => registry.EnsureApprovedAsync(Purposes.CheckIn));

        await ReopenAsync();
        var history = await registry.HistoryAsync(Purposes.CheckIn);
        Assert.Equal([(true, "DPIA-2026-04 approved by the privacy committee"), (false, "kiosk pilot ended")], history.Select(d => (d.Approved, d.Rationale)));
        await Assert.ThrowsAsync<PurposeNotApprovedException>(() => registry.EnsureApprovedAsync(Purposes.CheckIn));

        var records = await AuditAsync();
        Assert.Equal(
            ["purpose.approve started", "purpose.approve success", "purpose.revoke started", "purpose.revoke success"],
            records.Select(r => $"{r.Action} {r.Outcome}"));
        Assert.Equal($"check-in; decision {approval.Id:N}", records[1].Reason);
        Assert.All(records, r => Assert.Equal(("po-1", "privacy-officer"), (r.Actor, r.ActorRole)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("approved after patient MRN 12345678 complained")]
    public async Task ARationaleThatIsEmptyOrHoldsAnIdentifier_IsRefused_AuditedWithoutIt_AndNothingIsStored(string rationale)
    {
        var refused = await Assert.ThrowsAsync<PurposeRationaleException>(() => registry.ApproveAsync(Officer, Purposes.CheckIn, rationale));

        Assert.DoesNotContain("12345678", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.HistoryAsync(Purposes.CheckIn));
        var record = Assert.Single(await AuditAsync());
        Assert.Equal(("purpose.approve", AuditedOperation.Refused), (record.Action, record.Outcome));
        Assert.StartsWith("check-in; rationale-", record.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("12345678", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARationaleOverTheLimit_IsRefused() =>
        await Assert.ThrowsAsync<PurposeRationaleException>(() => registry.ApproveAsync(Officer, Purposes.CheckIn, new string('x', PurposeRegistry.MaxRationaleLength + 1)));

    [Theory]
    [InlineData(Purposes.Operations)]
    [InlineData(Purposes.CheckIn | Purposes.StepUp)]
    [InlineData(Purposes.None)]
    public async Task OnlyOneRecognitionPurposeAtATime(Purposes purpose) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => registry.ApproveAsync(Officer, purpose, "reason"));

    /// <summary>A plain screen for these tests (hosts register Visage.Deid's PHI screen): "MRN" and a number is a record number.</summary>
    private sealed partial class MrnScreen : IAuditTextScreen
    {
        public string? FindIdentifier(string text) => DigitRun().IsMatch(text) ? "RecordNumber" : null;

        [System.Text.RegularExpressions.GeneratedRegex(@"MRN\s*[0-9]+")]
        private static partial System.Text.RegularExpressions.Regex DigitRun();
    }
}

public sealed class SqlitePurposeRegistryTests : PurposeRegistryTests
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresPurposeRegistryTests(PostgresCluster cluster) : PurposeRegistryTests, IClassFixture<PostgresCluster>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
