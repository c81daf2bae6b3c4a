using System.Globalization;
using Microsoft.Extensions.Logging;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// The run's log file (opened once the options are known, appended to, flushed per line) and a logger provider writing
/// into it. Lines logged before <see cref="Open"/> are dropped. <see cref="Open"/> writes a first line, so a log that
/// cannot be written (a full disk, <c>/dev/full</c>) is an <see cref="IOException"/> before any work starts; a write that
/// fails later (the disk filled up) stops the log instead of the run, and <see cref="Failure"/> says why. Thread-safe.
/// </summary>
public sealed class FileLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;

    /// <summary>The open file, or null.</summary>
    public string? Path { get; private set; }

    /// <summary>Why the log stopped part-way (a write failed), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Opens (appending) <paramref name="path"/> and writes a first line; throws <see cref="IOException"/> saying which log cannot be written.</summary>
    public void Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        lock (_gate)
        {
            Close();
            var writer = new StreamWriter(path, append: true) { AutoFlush = true };
            try
            {
                writer.WriteLine(Line("log", "INFO", $"log opened by process {Environment.ProcessId}"));
            }
            catch (IOException e)
            {
                Discard(writer);
                throw new IOException($"cannot write the log {path}: {e.Message}; pass --log with a writable path", e);
            }

            _writer = writer;
            Path = path;
        }
    }

    /// <summary>Appends one timestamped line.</summary>
    public void Write(string category, string level, string message)
    {
        lock (_gate)
        {
            if (_writer is null) return;
            try
            {
                _writer.WriteLine(Line(category, level, message));
            }
            catch (IOException e)
            {
                Failure = $"the log {Path} stopped: {e.Message}";
                Discard(_writer);
                _writer = null;
            }
        }
    }

    private static string Line(string category, string level, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level,-5} {category}: {message}");

    // Closes a writer whose file cannot take its buffered text.
    private static void Discard(StreamWriter writer)
    {
        try
        {
            writer.Dispose();
        }
        catch (IOException)
        {
            // the text that could not be written is dropped with it
        }
    }

    private void Close()
    {
        if (_writer is not null) Discard(_writer);
        _writer = null;
    }

    /// <summary>A writer whose every line goes to the log under <paramref name="category"/>.</summary>
    public TextWriter Writer(string category) => new LineWriter(this, category);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            Close();
        }
    }

    private sealed class FileLogger(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            ArgumentNullException.ThrowIfNull(formatter);
            string text = formatter(state, exception) + (exception is null ? string.Empty : Environment.NewLine + exception);
            log.Write(category, logLevel.ToString().ToUpperInvariant()[..4], text);
        }
    }

    private sealed class LineWriter(FileLog log, string category) : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                log.Write(category, "INFO", _line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
