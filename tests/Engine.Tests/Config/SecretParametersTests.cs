using HaApi.Engine.Config;

namespace HaApi.Engine.Tests.Config;

public class SecretParametersTests
{
    [Theory]
    [InlineData("password", true)]
    [InlineData("passwd", true)]
    [InlineData("secret_key", true)]
    [InlineData("access_key", true)]
    [InlineData("community", true)]
    [InlineData("auth_key", true)]
    [InlineData("priv_passphrase", true)]
    [InlineData("api-token", true)]
    [InlineData("ip", false)]
    [InlineData("region", false)]
    [InlineData("login", false)]
    public void Recognises_secret_parameter_names(string name, bool secret) => Assert.Equal(secret, SecretParameters.IsSecret(name));
}
