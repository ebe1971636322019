using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Task = System.Threading.Tasks.Task;

namespace Visage.Audit.Tests;

/// <summary>Exports of a small chain (FHIR R4 AuditEvent bundle, RFC 5424 syslog), run against SQLite and PostgreSQL.</summary>
public abstract class AuditExportTests : AuditContractTests
{
    private const string RawAddress = "10.20.30.40";
    private const string Reason = "break-glass for Jane Doe";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 30, 15, 123, TimeSpan.Zero);
    private static readonly byte[] ClientHash = new ClientAddressHasher(Encoding.ASCII.GetBytes("0123456789abcdef0123")).Hash(IPAddress.Parse(RawAddress));

    private static readonly AuditEntry[] Entries =
    [
        new("staff-1", "clinician", "template.read", Purposes.EmergencyIdentification, "subject-a", "success", Reason, "arcface-r100@1", "corr-1", ClientHash),
        new("staff-2", "clerk", "face.verify", Purposes.CheckIn, null, "failure", null, null, "corr-2", null),
        new("staff-1", "clinician", "template.delete", Purposes.Operations, "subject-b", "error", Reason, "arcface-r100@1", "corr-3", ClientHash),
        new("staff-3", "night \"lead\" \\ [ward]", "identify", Purposes.EmergencyIdentification, "subject-c", "success", null, null, "corr-4", null),
    ];

    private IReadOnlyList<AuditRecord> records = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clock = new ManualTimeProvider(Start);
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock }))
        {
            for (var i = 0; i < Entries.Length; i++)
            {
                clock.Now = Start.AddMinutes(i);
                await chain.AppendAsync(Entries[i]);
            }
        }

        records = (await new AuditQueries(Harness.Database).ByTimeRangeAsync(Start, Start.AddDays(1))).Records;
        Assert.Equal(Entries.Length, records.Count);
    }

    [Fact]
    public void FhirExport_ParsedBack_FieldsRoundTrip()
    {
        var exportTime = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var json = new AuditEventBundleExporter(timeProvider: new ManualTimeProvider(exportTime)).ToJson(records);

        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(json);

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        Assert.Equal(exportTime, bundle.Timestamp);
        var events = bundle.Entry.Select(e => Assert.IsType<AuditEvent>(e.Resource)).ToList();
        Assert.Equal(records.Count, events.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var auditEvent = events[i];
            Assert.Equal((AuditEventBundleExporter.ActionSystem, record.Action), (auditEvent.Type!.System, auditEvent.Type.Code));
            Assert.Equal(record.TimeUtc, auditEvent.Recorded);
            Assert.Equal(Start.AddMinutes(i), auditEvent.Recorded);
            var purpose = Assert.Single(Assert.Single(auditEvent.PurposeOfEvent).Coding);
            Assert.Equal((AuditEventBundleExporter.PurposeSystem, record.Purpose), (purpose.System, purpose.Code));

            var agent = Assert.Single(auditEvent.Agent);
            Assert.Equal((AuditEventBundleExporter.ActorSystem, record.Actor), (agent.Who!.Identifier!.System, agent.Who.Identifier.Value));
            Assert.Equal(record.ActorRole, Assert.Single(agent.Role).Text);
            Assert.True(agent.Requestor);
            Assert.Equal(record.ClientAddressHash is null ? null : Convert.ToHexStringLower(record.ClientAddressHash), agent.Network?.Address);

            var entity = Assert.Single(auditEvent.Entity);
            Assert.Equal(record.Subject, entity.What?.Identifier?.Value);
            if (record.Subject is not null)
            {
                Assert.Equal(AuditEventBundleExporter.SubjectSystem, entity.What!.Identifier!.System);
            }

            var details = entity.Detail.ToDictionary(d => d.Type!, d => Assert.IsType<FhirString>(d.Value).Value!, StringComparer.Ordinal);
            Assert.Equal(record.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), details[AuditEventBundleExporter.SequenceDetail]);
            Assert.Equal(Convert.ToHexStringLower(record.Hash), details[AuditEventBundleExporter.HashDetail]);
            Assert.Equal(Convert.ToHexStringLower(record.PreviousHash), details[AuditEventBundleExporter.PreviousHashDetail]);
            Assert.Equal(record.CorrelationId, details[AuditEventBundleExporter.CorrelationIdDetail]);
            Assert.Equal(record.ModelVersion, details.GetValueOrDefault(AuditEventBundleExporter.ModelVersionDetail));
        }

        Assert.Equal(
            [AuditEvent.AuditEventOutcome.N0, AuditEvent.AuditEventOutcome.N4, AuditEvent.AuditEventOutcome.N8, AuditEvent.AuditEventOutcome.N0],
            events.Select(e => e.Outcome));
        Assert.Equal(
            [AuditEvent.AuditEventAction.R, AuditEvent.AuditEventAction.E, AuditEvent.AuditEventAction.D, AuditEvent.AuditEventAction.E],
            events.Select(e => e.Action));
        Assert.Equal([1L, 2, 3, 4], records.Select(r => r.Sequence));
    }

    [Fact]
    public void FhirExport_HoldsNoRawAddressOrFreeText()
    {
        var json = new AuditEventBundleExporter().ToJson(records);

        Assert.DoesNotContain(RawAddress, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(ClientHash), json, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(ClientHash), json, StringComparison.Ordinal);

        // Every identifier in the bundle is one of our opaque ids.
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(json);
        var opaque = records.SelectMany(r => new[] { r.Actor, r.Subject }).OfType<string>().Append("visage").ToHashSet(StringComparer.Ordinal);
        var identifiers = bundle.Entry.Select(e => Assert.IsType<AuditEvent>(e.Resource))
            .SelectMany(e => e.Agent.Select(a => a.Who?.Identifier).Concat(e.Entity.Select(x => x.What?.Identifier)).Append(e.Source?.Observer?.Identifier))
            .OfType<Identifier>()
            .ToList();
        Assert.Equal(4 + 3 + 4, identifiers.Count);
        Assert.All(identifiers, id => Assert.Contains(id.Value!, opaque));
    }

    [Fact]
    public void Syslog_KnownRecord_ExactLine()
    {
        var line = new SyslogFormatter("visage-host").Format(records[0]);

        Assert.Equal(
            "<86>1 2026-03-01T08:30:15.123Z visage-host visage - template.read [visage@32473 seq=\"1\" actor=\"staff-1\" role=\"clinician\" " +
            "purpose=\"emergency-identification\" subject=\"subject-a\" outcome=\"success\" model=\"arcface-r100@1\" corr=\"corr-1\" " +
            $"hash=\"{Convert.ToHexStringLower(records[0].Hash)}\"] template.read success",
            line);
        Assert.DoesNotContain(RawAddress, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_ParamValue_QuoteBackslashBracketEscaped()
    {
        var line = new SyslogFormatter("h").Format(records[3]);

        Assert.Contains(" role=\"night \\\"lead\\\" \\\\ [ward\\]\" ", line, StringComparison.Ordinal);
        Assert.Equal("a\\\"b\\\\c\\]d[", SyslogFormatter.EscapeParamValue("a\"b\\c]d["));
    }

    [Fact]
    public void Syslog_NullSubjectAndModel_NilValue()
    {
        var line = new SyslogFormatter("h").Format(records[1]);

        Assert.Contains(" subject=\"-\" ", line, StringComparison.Ordinal);
        Assert.Contains(" model=\"-\" ", line, StringComparison.Ordinal);
        Assert.StartsWith("<84>1 2026-03-01T08:31:15.123Z h visage - face.verify [visage@32473 seq=\"2\" ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_Priority_AuthprivInfoForSuccessWarningOtherwise()
    {
        Assert.Equal([86, 84, 84, 86], records.Select(SyslogFormatter.Priority));
        Assert.Equal(84, SyslogFormatter.Priority(records[0] with { Outcome = "raised" }));
    }
}

public sealed class SqliteAuditExportTests : AuditExportTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresAuditExportTests(PostgresCluster cluster) : AuditExportTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
