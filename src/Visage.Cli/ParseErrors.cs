using System.CommandLine;

namespace Visage.Cli;

/// <summary>
/// Prints command-line errors without the values typed: System.CommandLine quotes an unrecognised or unparsable token
/// ("Unrecognized command or argument 'Smith'"), and a token can be a patient's name or record number.
/// </summary>
internal static class ParseErrors
{
    public static int Report(ParseResult parse, IReadOnlyList<string> args)
    {
        var names = Names(parse.RootCommandResult.Command).ToHashSet(StringComparer.Ordinal);
        foreach (var error in parse.Errors)
        {
            var message = error.Message;
            foreach (var token in args.Where(a => a.Length > 0 && !names.Contains(a)))
            {
                message = message.Replace($"'{token}'", "(a value, not shown)", StringComparison.Ordinal);
            }

            Console.Error.WriteLine($"error: {message}");
        }

        Console.Error.WriteLine("Add --help to the command for its usage.");
        return ExitCodes.BadInput;
    }

    private static IEnumerable<string> Names(Command command)
    {
        yield return command.Name;
        foreach (var option in command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases)
            {
                yield return alias;
            }
        }

        foreach (var alias in command.Aliases)
        {
            yield return alias;
        }

        foreach (var sub in command.Subcommands.SelectMany(Names))
        {
            yield return sub;
        }
    }
}
