using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Visage.Audit;

/// <summary>
/// Exports audit records as a FHIR R4 <see cref="Bundle"/> (type collection) of <see cref="AuditEvent"/>
/// resources. Only opaque ids, codes and hashes leave the chain: the free-text reason is not exported (it may
/// hold a justification that names a person), and the client address is its keyed hash in hex, never an address.
/// </summary>
public sealed class AuditEventBundleExporter
{
    public const string ActionSystem = "urn:visage:audit-action";
    public const string PurposeSystem = "urn:visage:purpose";
    public const string ActorSystem = "urn:visage:actor";
    public const string SubjectSystem = "urn:visage:subject";
    public const string SourceSystem = "urn:visage:source";

    /// <summary>Names of the entity detail entries.</summary>
    public const string SequenceDetail = "sequence";
    public const string HashDetail = "hash";
    public const string PreviousHashDetail = "previous-hash";
    public const string ModelVersionDetail = "model-version";
    public const string CorrelationIdDetail = "correlation-id";

    private const string SourceTypeSystem = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string EntityTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-entity-type";

    private readonly TimeProvider timeProvider;
    private readonly string sourceId;

    /// <param name="sourceId">The opaque id of this Visage deployment, written as the event source.</param>
    /// <param name="timeProvider">Stamps the bundle; the system clock when null.</param>
    public AuditEventBundleExporter(string sourceId = "visage", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceId);
        this.sourceId = sourceId;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A collection bundle with one AuditEvent per record, in the given order.</summary>
    public Bundle ToBundle(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = timeProvider.GetUtcNow(),
        };
        foreach (var record in records)
        {
            var auditEvent = ToAuditEvent(record);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:visage:audit-record:{auditEvent.Id}",
                Resource = auditEvent,
            });
        }

        return bundle;
    }

    /// <summary>The bundle as FHIR JSON.</summary>
    public string ToJson(IEnumerable<AuditRecord> records, bool pretty = false) => ToBundle(records).ToJson(pretty);

    /// <summary>One record as an AuditEvent whose id is its sequence.</summary>
    public AuditEvent ToAuditEvent(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sequence = record.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var auditEvent = new AuditEvent
        {
            Id = sequence,
            Type = new Coding(ActionSystem, record.Action),
            Action = CrudAction(record.Action),
            Recorded = record.TimeUtc.ToUniversalTime(),
            Outcome = AuditOutcomes.Classify(record.Outcome) switch
            {
                AuditOutcomeClass.Success => AuditEvent.AuditEventOutcome.N0,
                AuditOutcomeClass.MinorFailure => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            PurposeOfEvent = [new CodeableConcept(PurposeSystem, record.Purpose)],
            Source = new AuditEvent.SourceComponent
            {
                Observer = new ResourceReference { Identifier = new Identifier(SourceSystem, sourceId) },
                Type = [new Coding(SourceTypeSystem, "4", "Application Server")],
            },
        };

        var agent = new AuditEvent.AgentComponent
        {
            Who = new ResourceReference { Identifier = new Identifier(ActorSystem, record.Actor) },
            Role = [new CodeableConcept { Text = record.ActorRole }],
            Requestor = true,
        };
        if (record.ClientAddressHash is { } clientHash)
        {
            // A keyed hash, not an address: no network type code fits, so none is given.
            agent.Network = new AuditEvent.NetworkComponent { Address = Convert.ToHexStringLower(clientHash) };
        }

        auditEvent.Agent.Add(agent);

        var entity = new AuditEvent.EntityComponent();
        if (record.Subject is { } subject)
        {
            entity.What = new ResourceReference { Identifier = new Identifier(SubjectSystem, subject) };
            entity.Type = new Coding(EntityTypeSystem, "1", "Person");
        }

        entity.Detail.Add(Detail(SequenceDetail, sequence));
        entity.Detail.Add(Detail(HashDetail, Convert.ToHexStringLower(record.Hash)));
        entity.Detail.Add(Detail(PreviousHashDetail, Convert.ToHexStringLower(record.PreviousHash)));
        entity.Detail.Add(Detail(CorrelationIdDetail, record.CorrelationId));
        if (record.ModelVersion is { } model)
        {
            entity.Detail.Add(Detail(ModelVersionDetail, model));
        }

        auditEvent.Entity.Add(entity);
        return auditEvent;
    }

    private static AuditEvent.DetailComponent Detail(string type, string value) =>
        new() { Type = type, Value = new FhirString(value) };

    /// <summary>The CRUDE code from the last segment of the action name ("template.read" → R); E when none fits.</summary>
    private static AuditEvent.AuditEventAction CrudAction(string action)
    {
        var verb = action[(action.LastIndexOf('.') + 1)..];
        return verb switch
        {
            "create" or "enrol" or "enroll" or "add" => AuditEvent.AuditEventAction.C,
            "read" or "search" or "list" or "export" or "query" => AuditEvent.AuditEventAction.R,
            "update" or "rotate" => AuditEvent.AuditEventAction.U,
            "delete" or "erase" or "remove" => AuditEvent.AuditEventAction.D,
            _ => AuditEvent.AuditEventAction.E,
        };
    }
}
