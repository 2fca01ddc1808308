using HaApi.Integrations.Aws;

namespace HaApi.Integrations.Tests.Aws;

/// <summary>AWS's published SigV4 test vectors (agents.md 4.4), cross-checked there against botocore.</summary>
public class SigV4SignerTests
{
    private static readonly AwsCredentials TestSuite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTime At = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Fact]
    public void Get_vanilla_from_the_AWS_test_suite_signs_to_the_published_signature()
    {
        var signed = SigV4Signer.Sign("GET", new Uri("https://example.amazonaws.com/"), "", "", "us-east-1", "service", TestSuite, At);
        Assert.Equal("20150830T123600Z", signed.AmzDate);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                     + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signed.Authorization);
    }

    [Fact]
    public void Ec2_StopInstances_example_has_the_published_canonical_request_and_signature()
    {
        const string body = "Action=StopInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0&Force=true";
        Assert.Equal(body, Ec2QueryEncoding.Body("StopInstances", [new("InstanceId.1", "i-0123456789abcdef0"), new("Force", "true")]));
        Assert.Equal("7fa02d87934ca62e8796dcb6b334127b7b8509b736192671f4c93f9226133a02", SigV4Signer.HexSha256(body));

        var canonical = SigV4Signer.CanonicalRequest("POST", "/", "", new Dictionary<string, string>
        {
            ["host"] = "ec2.us-east-1.amazonaws.com",
            ["content-type"] = Ec2Client.ContentType,
            ["x-amz-date"] = "20150830T123600Z",
        }, "content-type;host;x-amz-date", body);
        Assert.Equal("9fc5af0f9d6f07920f2c9f6190461d98ec86837cd6291f1f862da2803f726f23", SigV4Signer.HexSha256(canonical));

        var signed = SigV4Signer.Sign("POST", new Uri("https://ec2.us-east-1.amazonaws.com/"), Ec2Client.ContentType, body, "us-east-1", "ec2", TestSuite, At);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                     + "Signature=40a0429a3543c1caf848bab027c60e3b4b689fe789b8c9afd3eb285a88f072b9", signed.Authorization);
    }

    [Fact]
    public void Temporary_credentials_sign_the_security_token_and_never_print_secrets()
    {
        var creds = TestSuite with { SessionToken = "FQoGZXIvYXdzEXAMPLETOKEN" };
        var signed = SigV4Signer.Sign("POST", new Uri("http://127.0.0.1:8080/"), Ec2Client.ContentType, "Action=X", "us-east-1", "ec2", creds, At);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", signed.Authorization);
        Assert.Equal("FQoGZXIvYXdzEXAMPLETOKEN", signed.SecurityToken);
        Assert.Equal("127.0.0.1:8080", SigV4Signer.HostHeader(new Uri("http://127.0.0.1:8080/")));
        Assert.DoesNotContain("EXAMPLEKEY", creds.ToString());
        Assert.DoesNotContain("EXAMPLETOKEN", creds.ToString());
    }

    [Fact]
    public void Query_values_are_RFC_3986_encoded()
    {
        var filters = Ec2QueryEncoding.Filters([("tag:Name", ["node 2/a"]), ("instance-state-name", ["running", "stopped"])]);
        Assert.Equal("Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=node%202%2Fa"
                     + "&Filter.2.Name=instance-state-name&Filter.2.Value.1=running&Filter.2.Value.2=stopped",
            Ec2QueryEncoding.Body("DescribeInstances", filters));
    }
}
