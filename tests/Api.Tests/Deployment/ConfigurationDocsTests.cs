using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaApi.Api.Hosting;

namespace HaApi.Api.Tests.Deployment;

/// <summary>docs/configuration.md and deploy/haapi.json cover exactly the settings HaApiOptions has, so neither can rot.</summary>
public class ConfigurationDocsTests
{
    private static readonly string Docs = RepositoryFiles.Read("docs/configuration.md");
    private static readonly List<string> Settings = HaApiOptions.Settings.Select(p => p.Name).ToList();

    [Fact]
    public void Every_setting_has_a_section_and_a_table_row_with_its_environment_variable()
    {
        foreach (var setting in Settings)
        {
            Assert.Contains($"\n### `HaApi:{setting}`\n", Docs);
            var variable = HaApiOptions.EnvironmentVariables.Single(v => v.Value == setting).Key;
            Assert.Matches(new Regex($@"^\| `HaApi:{setting}` \| `{variable}` \| .+ \|$", RegexOptions.Multiline), Docs);
            Assert.Contains($"Environment `{variable}`", Section(setting));
        }
    }

    [Fact]
    public void The_docs_name_no_setting_that_does_not_exist()
    {
        // `HaApi:Name` in code spans; the sample error output (a misspelt key) is a code block, not a span.
        var named = Regex.Matches(Docs, @"`HaApi:([A-Za-z]+)`").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(Settings.Count, named.Count(Settings.Contains));
        Assert.DoesNotContain(named, n => !Settings.Contains(n));
    }

    [Fact]
    public void The_example_file_shows_every_setting_and_nothing_else()
    {
        var keys = JsonNode.Parse(RepositoryFiles.Read("deploy/haapi.json"))![HaApiOptions.Section]!.AsObject().Select(k => k.Key);
        Assert.Equal(Settings.Order(), keys.Order());
    }

    private static string Section(string setting)
    {
        var start = Docs.IndexOf($"### `HaApi:{setting}`", StringComparison.Ordinal);
        var end = Docs.IndexOf("\n#", start + 1, StringComparison.Ordinal);
        return Docs[start..(end < 0 ? Docs.Length : end)];
    }
}
