using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HaApi.Api.Tests;

public sealed class ConfigurationFilesTests
{
    [Fact]
    public void Settings_files_are_not_watched_for_changes()
    {
        using var factory = new HaApiFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).ToList();

        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }
}
