using System.Text.Json;

namespace HaApi.Integrations.Agents.BuiltIn;

/// <summary>What haapi:Process remembers about the process it started. Pid plus the kernel's start time identify the
/// process even after the pid is recycled; the process group lets stop reach everything it spawned.</summary>
internal sealed record ProcessRecord(int Pid, ulong StartTicks, int ProcessGroupId, string Command)
{
    public static ProcessRecord? Load(string path)
    {
        try
        {
            var record = JsonSerializer.Deserialize<ProcessRecord>(File.ReadAllText(path));
            // A damaged record must never make stop signal init's or everyone's process group.
            return record is { Pid: > 1, ProcessGroupId: > 1 } ? record : null;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The recorded process is still the one we started (not a zombie, not a recycled pid).</summary>
    public bool IsAlive(string procRoot = "/proc") =>
        ProcStat.TryRead(Pid, procRoot) is { IsZombie: false } stat && stat.StartTicks == StartTicks;
}
