using System.Net;
using System.Text;

namespace HaApi.Api.Tests;

public class AnonymousReadsTests
{
    [Fact]
    public async Task When_allowed_reads_need_no_token_but_writes_still_do()
    {
        using var factory = new HaApiFactory(("HaApi:AllowAnonymousReads", "true"));
        var anonymous = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/config")).StatusCode);
        var write = await anonymous.PostAsync("/api/v1/resources",
            new StringContent("""{"id":"r","agent":"ocf:pacemaker:Dummy"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
    }

    [Fact]
    public void The_generated_token_file_is_private_and_only_its_hash_is_stored()
    {
        using var factory = new HaApiFactory();
        factory.CreateClient();

        var tokenFile = Path.Combine(factory.DataDirectory, "admin-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        var tokens = File.ReadAllText(Path.Combine(factory.DataDirectory, "tokens.json"));
        Assert.DoesNotContain(factory.Token, tokens);
        Assert.Contains(HaApi.Api.Auth.TokenStore.Hash(factory.Token), tokens);
    }
}

public class TokenRegenerationTests
{
    [Fact]
    public void Deleting_the_token_file_makes_the_next_start_issue_a_new_token_replacing_the_old_one()
    {
        using var first = new HaApiFactory();
        first.CreateClient();
        var oldToken = first.Token;
        File.Delete(Path.Combine(first.DataDirectory, "tokens.json"));

        var store = HaApi.Api.Auth.TokenStore.LoadOrCreate(Path.Combine(first.DataDirectory, "tokens.json"),
            Path.Combine(first.DataDirectory, "admin-token"), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.NotEqual(oldToken, first.Token);
        Assert.Equal("admin", store.Authenticate(first.Token));
        Assert.Null(store.Authenticate(oldToken));
    }
}
