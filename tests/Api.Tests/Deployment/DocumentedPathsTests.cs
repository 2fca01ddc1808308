using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaApi.Api.Tests.Deployment;

/// <summary>Every /api/v1 path the operator docs show is one the API serves, so a renamed endpoint breaks the build, not the reader.</summary>
public class DocumentedPathsTests
{
    [Theory]
    [InlineData("docs/migration.md")]
    [InlineData("docs/operations.md")]
    public void Every_api_path_in_the_document_is_served(string document)
    {
        var served = JsonNode.Parse(RepositoryFiles.Read("openapi/haapi-v1.json"))!["paths"]!.AsObject().Select(p => p.Key)
            .Select(t => new Regex("^" + Regex.Replace(Regex.Escape(t), @"\\\{[^}]+}", "[^/]+") + "$"))
            .ToList();
        var mentioned = Regex.Matches(RepositoryFiles.Read(document), @"/api/v1(/[A-Za-z0-9_{}\-.]+)*")
            .Select(m => m.Value.TrimEnd('.')).Where(p => p != "/api/v1").Distinct().ToList(); // the bare prefix names the API, not a path

        Assert.True(mentioned.Count >= 10, $"{document} mentions only {mentioned.Count} API paths; is the pattern still right?");
        var unknown = mentioned.Where(path => !served.Any(s => s.IsMatch(path))).ToList();
        Assert.True(unknown.Count == 0, $"{document} shows paths the API does not serve: {string.Join(", ", unknown)}");
    }
}
