using System.CommandLine;
using AlgoPerfSharp.Harness.Plugins;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The hidden <c>probe</c> command: a plugin's metadata as JSON, for a parent that must not load the plugin (<see cref="PluginProbe"/>).</summary>
internal static class ProbeCommand
{
    public static Command Build(AlgorithmRegistry registry)
    {
        var spec = new Argument<string>("algorithm") { Description = "A plugin .dll (optionally :name) or folder." };
        var all = new Option<bool>("--all") { Description = "Describe every algorithm the plugin declares when no :name is given." };
        var cmd = new Command("probe", "Internal: print a plugin's algorithm names, search spaces and defaults as JSON (exits when stdin closes).") { spec, all };
        cmd.Hidden = true;
        cmd.SetAction(parse => PluginProbe.Run(parse.GetValue(spec)!, parse.GetValue(all), registry, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return cmd;
    }
}
