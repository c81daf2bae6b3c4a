using System.Globalization;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>A process and its descendants as Linux's <c>/proc</c> shows them (a sandboxed worker runs below <c>bwrap</c>).</summary>
internal static class ProcessTree
{
    /// <summary>The PIDs of <paramref name="root"/>'s descendants (empty where /proc is missing).</summary>
    public static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        if (!Directory.Exists("/proc")) return [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(f[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // exited meanwhile
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            int p = frontier.Dequeue();
            foreach (var (child, parent) in parents)
            {
                if (parent != p) continue;
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>Resident bytes of <paramref name="root"/> and its descendants, or null when /proc cannot tell.</summary>
    public static long? ResidentBytes(int root)
    {
        long total = 0;
        bool any = false;
        foreach (int pid in Descendants(root).Prepend(root))
        {
            try
            {
                var f = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
                total += long.Parse(f[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
                any = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // exited meanwhile
            }
        }

        return any ? total : null;
    }
}
