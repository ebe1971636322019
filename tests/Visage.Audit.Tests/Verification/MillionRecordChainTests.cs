using System.Diagnostics;
using Visage.Storage;
using Xunit.Abstractions;

namespace Visage.Audit.Tests.Verification;

/// <summary>The scale check: an untouched chain of 1,000,000 records, written through group commit, verifies.</summary>
public sealed class MillionRecordChainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Records = 1_000_000;
    private AuditHarness? harness;

    private AuditHarness Harness => harness!;

    public async Task InitializeAsync() =>
        harness = await AuditHarness.CreateAsync(d => Task.FromResult<VisageDatabase>(new SqliteDatabase(Path.Combine(d.FullName, "visage.db"))));

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    [Fact]
    public async Task MillionRecords_Untouched_Verifies()
    {
        var append = Stopwatch.StartNew();
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 10_000 }))
        {
            // Many appends in flight, as on a busy node, so group commit fills its batches.
            const int InFlight = 4096;
            var pending = new List<Task<AuditRecord>>(InFlight);
            for (var i = 0; i < Records; i++)
            {
                pending.Add(chain.AppendAsync(AuditHarness.Entry(i, subject: $"subject-{i % 5000}")));
                if (pending.Count == InFlight)
                {
                    await Task.WhenAll(pending);
                    pending.Clear();
                }
            }

            await Task.WhenAll(pending);
        }

        append.Stop();
        var verify = Stopwatch.StartNew();
        var result = await Harness.VerifyAnchoredAsync(checkpointEveryRecords: 10_000);
        verify.Stop();
        output.WriteLine($"appended {Records:N0} in {append.Elapsed.TotalSeconds:F1} s; verified in {verify.Elapsed.TotalSeconds:F1} s ({Records / verify.Elapsed.TotalSeconds:N0} records/s), {result.CheckpointsChecked} checkpoints");

        Assert.True(result.IsIntact, $"broken at {result.FirstBrokenSequence}: {result.Break}");
        Assert.Equal((Records, (long)Records, (long?)Records), (result.RecordsChecked, result.LastSequence, result.LastCheckpointedSequence));
        // A checkpoint at every 10,000th record (however the batches fall), perhaps one on the timer; all anchored too.
        Assert.InRange(result.StoredCheckpoints, Records / 10_000, (Records / 10_000) + 2);
        Assert.Equal(result.StoredCheckpoints, CheckpointAnchorFile.Read(Harness.AnchorPath).Count);
    }
}
