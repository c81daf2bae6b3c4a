using System.Globalization;
using Microsoft.Extensions.Logging;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// The run's log file (opened once the options are known, appended to, flushed per line) and a logger provider writing
/// into it. Lines logged before <see cref="Open"/> are dropped. Thread-safe.
/// </summary>
public sealed class FileLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;

    /// <summary>The open file, or null.</summary>
    public string? Path { get; private set; }

    /// <summary>Opens (appending) <paramref name="path"/>.</summary>
    public void Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = new StreamWriter(path, append: true) { AutoFlush = true };
            Path = path;
        }
    }

    /// <summary>Appends one timestamped line.</summary>
    public void Write(string category, string level, string message)
    {
        lock (_gate)
        {
            _writer?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level,-5} {category}: {message}"));
        }
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
            _writer?.Dispose();
            _writer = null;
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
