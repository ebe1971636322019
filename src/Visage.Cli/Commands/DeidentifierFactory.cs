using Visage.Deid.Batch;

namespace Visage.Cli.Commands;

/// <summary>Builds the de-identifier for one batch; the host supplies it so the command does not depend on the implementations.</summary>
internal delegate IFileDeidentifier DeidentifierFactory(DeidKind kind, BatchKey key, DeidCommandSettings settings, IServiceProvider services);
