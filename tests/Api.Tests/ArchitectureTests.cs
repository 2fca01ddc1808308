using System.Reflection;

namespace HaApi.Api.Tests;

/// <summary>Dependencies point inward: Api -> Engine and Integrations; Integrations -> Engine; Engine -> nothing of ours.</summary>
public class ArchitectureTests
{
    private static readonly Assembly Engine = typeof(HaApi.Engine.Model.ClusterConfig).Assembly;
    private static readonly Assembly Integrations = typeof(HaApi.Integrations.Persistence.FileConfigStore).Assembly;

    private static IEnumerable<string> References(Assembly a) => a.GetReferencedAssemblies().Select(r => r.Name!);

    [Fact]
    public void Engine_references_nothing_of_ours_and_no_web_framework()
    {
        var refs = References(Engine).ToList();
        Assert.DoesNotContain(refs, r => r.StartsWith("HaApi", StringComparison.Ordinal) || r == "haapi");
        Assert.DoesNotContain(refs, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Engine_has_no_native_interop()
    {
        var pinvokes = Engine.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.Attributes.HasFlag(MethodAttributes.PinvokeImpl))
            .Select(m => $"{m.DeclaringType}.{m.Name}");
        Assert.Empty(pinvokes);
    }

    [Fact]
    public void Integrations_references_the_engine_but_never_the_api()
    {
        var refs = References(Integrations).ToList();
        Assert.Contains("HaApi.Engine", refs);
        Assert.DoesNotContain("haapi", refs);
        Assert.DoesNotContain(refs, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
