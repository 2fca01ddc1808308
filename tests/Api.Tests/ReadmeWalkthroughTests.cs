using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HaApi.Api.Tests;

/// <summary>Runs the README's curl walk-through against a real haapi process, so the README cannot rot.</summary>
public class ReadmeWalkthroughTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_readme_walkthrough_works_as_written()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(OpenApiDocumentTests.RepositoryRoot(), "README.md"));
        var block = Regex.Match(readme, @"<!-- walkthrough:start -->\s*```bash\n(?<script>.*?)```\s*<!-- walkthrough:end -->", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has no walkthrough block");

        var data = Directory.CreateTempSubdirectory("haapi-readme-").FullName;
        try
        {
            using var node = await HaApiProcess.StartAsync(data, "node1");
            var run = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", block.Groups["script"].Value])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            run.Environment["HAAPI"] = node.BaseAddress.ToString().TrimEnd('/');
            run.Environment["TOKEN"] = (await File.ReadAllTextAsync(Path.Combine(data, "admin-token"))).Trim();
            using var bash = Process.Start(run)!;
            var stdout = await bash.StandardOutput.ReadToEndAsync();
            var stderr = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            output.WriteLine(stdout);
            Assert.True(bash.ExitCode == 0, $"walkthrough failed ({bash.ExitCode}): {stderr}\n{stdout}");

            Assert.Contains("\"quorate\":true", stdout);
            Assert.Contains("no resource 'databse' exists", stdout);

            using var client = node.Client();
            var config = (await client.GetFromJsonAsync<JsonObject>("/api/v1/config"))!;
            Assert.Equal(["vip", "web"], config["resources"]!.AsArray().Select(r => (string)r!["id"]!));
            Assert.Equal("web-with-vip", (string?)config["constraints"]!["colocation"]![0]!["id"]);
            Assert.Equal("vip-then-web", (string?)config["constraints"]!["order"]![0]!["id"]);
            Assert.Equal("false", (string?)config["properties"]!["stonith-enabled"]);
            var history = (await client.GetFromJsonAsync<JsonArray>("/api/v1/config/history"))!;
            Assert.Contains(history, h => ((string?)h!["summary"])!.StartsWith("set properties: stonith-enabled=false", StringComparison.Ordinal));
            // The restart waited for the cluster: it answered with nothing left pending, so web runs now.
            Assert.Contains("\"summary\":\"web stopped and started again\",\"pending\":[]", stdout);
            Assert.Matches(@"\* web\s+\(haapi:Process\):\s+Started node1", stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
