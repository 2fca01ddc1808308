namespace HaApi.Integrations.Aws;

/// <summary>How the engine should react to an EC2 error code.</summary>
public enum Ec2ErrorKind
{
    /// <summary>Credentials or permissions: retrying will not help; the operator must fix IAM or keys.</summary>
    Auth,
    /// <summary>Throttled: back off and retry.</summary>
    Throttling,
    /// <summary>5xx, connection failure: retry.</summary>
    Transient,
    /// <summary>Start/stop while the instance is in transition: re-read the state and keep polling.</summary>
    IncorrectState,
    /// <summary>Wrong instance id or parameters: retrying will not help.</summary>
    Client,
}

/// <summary>
/// An EC2 API failure with AWS's error code (e.g. "UnauthorizedOperation"), the HTTP status (0 when no response) and
/// the request id for AWS support. Never carries credentials.
/// </summary>
public sealed class Ec2Exception(string code, string message, int httpStatus, string? requestId, Exception? inner = null)
    : Exception($"EC2 {code}: {message}", inner)
{
    public string Code { get; } = code;
    public int HttpStatus { get; } = httpStatus;
    public string? RequestId { get; } = requestId;
    public Ec2ErrorKind Kind { get; } = Classify(code, httpStatus);

    public bool IsRetryable => Kind is Ec2ErrorKind.Throttling or Ec2ErrorKind.Transient;

    public static Ec2ErrorKind Classify(string code, int httpStatus) => code switch
    {
        "AuthFailure" or "UnauthorizedOperation" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "IncompleteSignature"
            or "MissingAuthenticationToken" or "RequestExpired" or "Blocked" or "OptInRequired" or "NoCredentials" => Ec2ErrorKind.Auth,
        "RequestLimitExceeded" or "EC2ThrottledException" or "Throttling" or "ThrottlingException" => Ec2ErrorKind.Throttling,
        "IncorrectInstanceState" => Ec2ErrorKind.IncorrectState,
        "InternalError" or "Unavailable" or "ServiceUnavailable" or "RequestTimeout" or "PriorRequestNotComplete" or "ConnectionError" => Ec2ErrorKind.Transient,
        _ when httpStatus is 500 or 502 or 503 or 504 => Ec2ErrorKind.Transient,
        _ => Ec2ErrorKind.Client,
    };
}
