using Visage.Audit;
using Visage.Cli.Commands;
using Visage.Deid.Batch;
using Visage.Face;
using Visage.Protection;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Cli;

/// <summary>
/// The one table from the libraries' typed exceptions to what a person is told: a stable failure code (the future HTTP
/// problem type), the exit code and the message. The first row whose type matches wins, so a subtype comes before its
/// base. Anything not in the table is a fault of Visage (<see cref="CommandErrors.Unexpected"/>).
/// </summary>
internal static class FailureTable
{
    private static readonly Failure[] Rows =
    [
        new(typeof(ModelIntegrityException), "model-integrity", ExitCodes.ModelIntegrity),
        // A workflow's refusal carries its own reason code and kind; nothing was stored and the refusal was audited.
        new(typeof(WorkflowRefusedException), RefusalCodes.BadInput, ExitCodes.BadInput, e => $"{e.Message} (reason: {((WorkflowRefusedException)e).Code})")
        {
            CodeOf = e => ((WorkflowRefusedException)e).Code,
            ExitCodeOf = e => ((WorkflowRefusedException)e).Kind switch
            {
                RefusalKind.NotFound => ExitCodes.NotFound,
                RefusalKind.NotPermitted => ExitCodes.NotPermitted,
                _ => ExitCodes.BadInput,
            },
        },
        new(typeof(ImageDecodeException), "image-refused", ExitCodes.BadInput, e => $"image refused ({((ImageDecodeException)e).Reason}): {e.Message}"),
        new(typeof(FaceNotFoundException), "no-face", ExitCodes.BadInput),
        new(typeof(EvaluationSetException), "eval-set", ExitCodes.BadInput),
        new(typeof(KeyProviderException), "keys", ExitCodes.Keys),
        new(typeof(ProtectedDataException), "protected-data", ExitCodes.ProtectedData),
        new(typeof(StorageException), "storage", ExitCodes.Storage),
        new(typeof(AuditUnavailableException), "audit-unavailable", ExitCodes.AuditUnavailable),
        new(typeof(AuditDataException), "audit-damaged", ExitCodes.AuditBroken),
        new(typeof(AuditTextRefusedException), "audit-text-refused", ExitCodes.BadInput),
        new(typeof(CheckpointAnchorFileException), "audit-anchor-damaged", ExitCodes.AuditBroken),
        new(typeof(DeidFolderException), "deid-folders", ExitCodes.BadInput),
        new(typeof(BatchKeyFileException), "batch-key", ExitCodes.Keys),
        new(typeof(ActorRequiredException), "actor-required", ExitCodes.BadInput),
        new(typeof(PurposeNotApprovedException), PurposeNotApprovedException.Code, ExitCodes.NotPermitted),
        new(typeof(PurposeRationaleException), "rationale-refused", ExitCodes.BadInput),
        new(typeof(ConsentNoticeException), "notice-refused", ExitCodes.BadInput),
        new(typeof(PublicKeyFileException), "public-key", ExitCodes.BadInput),
        new(typeof(SubjectListException), "subject-list", ExitCodes.BadInput),
        new(typeof(Visage.Server.Hosting.ServerStartException), "server-start", ExitCodes.Configuration),
        // Paths are not repeated: a folder or file name can carry a patient's name.
        new(typeof(FileNotFoundException), "file-not-found", ExitCodes.BadInput, _ => "a file given was not found (its path is not shown)."),
        new(typeof(DirectoryNotFoundException), "folder-not-found", ExitCodes.BadInput, _ => "a folder given was not found (its path is not shown)."),
        new(typeof(UnauthorizedAccessException), "access-denied", ExitCodes.BadInput, _ => "a file or folder given could not be read or written: permission denied (its path is not shown)."),
        new(typeof(System.Data.Common.DbException), "storage", ExitCodes.Storage, e => $"the database could not be read or written ({e.GetType().Name})."),
        new(typeof(OperationCanceledException), "cancelled", ExitCodes.Cancelled, _ => "cancelled."),
    ];

    public static Failure? Find(Exception exception) => Array.Find(Rows, row => row.Type.IsInstanceOfType(exception));

    internal sealed record Failure(Type Type, string Code, int ExitCode, Func<Exception, string>? Format = null)
    {
        /// <summary>For a type that carries its own reason (a workflow refusal): the failure code of one exception.</summary>
        public Func<Exception, string>? CodeOf { get; init; }

        /// <summary>For a type that carries its own kind: the exit code of one exception.</summary>
        public Func<Exception, int>? ExitCodeOf { get; init; }

        public string MessageFor(Exception exception) => Format is null ? exception.Message : Format(exception);

        public string CodeFor(Exception exception) => CodeOf is null ? Code : CodeOf(exception);

        public int ExitCodeFor(Exception exception) => ExitCodeOf is null ? ExitCode : ExitCodeOf(exception);
    }
}
