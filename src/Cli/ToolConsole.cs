using Spectre.Console;

namespace BpfMaps.Cli;

/// <summary>
/// Where the tool writes: <see cref="Ui"/> for tables, progress and messages (Spectre.Console), <see cref="Out"/> for
/// machine-readable output (JSON), <see cref="Error"/> for errors. Tests run the tool in-process on captured writers.
/// </summary>
internal sealed class ToolConsole
{
    private readonly bool _plain;

    private ToolConsole(IAnsiConsole ui, TextWriter output, TextWriter error, bool interactive, bool plain = false)
    {
        _plain = plain;
        Ui = ui;
        Out = output;
        Error = error;
        Interactive = interactive;
    }

    /// <summary>Tables, progress and messages.</summary>
    public IAnsiConsole Ui { get; }

    /// <summary>Standard output, unformatted.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether live displays (progress bars) can be drawn.</summary>
    public bool Interactive { get; }

    /// <summary>
    /// The process's console: colours and live displays on a terminal; plain text without line wrapping when the
    /// output goes to a file or a pipe.
    /// </summary>
    public static ToolConsole System()
    {
        if (!Console.IsOutputRedirected)
        {
            var terminal = AnsiConsole.Console;
            return new ToolConsole(terminal, Console.Out, Console.Error, terminal.Profile.Capabilities.Interactive);
        }

        return Plain(Console.Out, Console.Error);
    }

    /// <summary>A console writing plain text (no colours, no live displays, 200 columns) to the given writers.</summary>
    public static ToolConsole Plain(TextWriter output, TextWriter error)
    {
        var ui = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        ui.Profile.Width = 200;
        return new ToolConsole(ui, output, error, interactive: false, plain: true);
    }

    /// <summary>
    /// Writes a line of text (not markup): in <paramref name="style"/> (a Spectre style such as <c>red</c>) on a
    /// terminal, unwrapped on plain output.
    /// </summary>
    public void WriteLine(string text, string? style = null)
    {
        if (_plain)
        {
            Out.WriteLine(text);
        }
        else if (style is null)
        {
            Ui.MarkupLine(Markup.Escape(text));
        }
        else
        {
            Ui.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");
        }
    }
}
