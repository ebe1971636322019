using System.CommandLine;

namespace Visage.Cli.Commands;

/// <summary>
/// A subject's opaque id (a GUID). Anything else is refused without being echoed: a clerk who types an MRN or a name
/// here must not see it repeated in an error, a terminal log or a screenshot.
/// </summary>
internal static class SubjectIdArgument
{
    private const string Refusal = "must be given by its opaque id (a GUID like 0f8fad5b-d9cb-469f-a165-70867728950e); what was given is not one and is not shown.";

    public static Argument<Guid> Create(string name = "subject") => new(name)
    {
        Description = "The subject's opaque id (a GUID), never an MRN or a name.",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 1 && Guid.TryParse(result.Tokens[0].Value, out var id))
            {
                return id;
            }

            result.AddError($"The {name} {Refusal}");
            return Guid.Empty;
        },
    };

    /// <summary>An optional id option (<c>--claimed</c>, <c>--subject</c>, <c>--not-duplicate</c>), refused the same way.</summary>
    public static Option<Guid?> Option(string name, string description) => new(name)
    {
        Description = $"{description} (an opaque id, a GUID).",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 1 && Guid.TryParse(result.Tokens[0].Value, out var id))
            {
                return id;
            }

            result.AddError($"{name} {Refusal}");
            return null;
        },
    };
}
