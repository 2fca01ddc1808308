namespace HaApi.Integrations.Corosync.Native;

/// <summary>cs_error_t from corotypes.h. Success is 1, not 0.</summary>
internal enum CsError
{
    Ok = 1,
    Library = 2,
    Version = 3,
    Init = 4,
    Timeout = 5,
    TryAgain = 6,
    InvalidParam = 7,
    NoMemory = 8,
    BadHandle = 9,
    Busy = 10,
    Access = 11,
    NotExist = 12,
    NameTooLong = 13,
    Exist = 14,
    NoSpace = 15,
    Interrupt = 16,
    NameNotFound = 17,
    NoResources = 18,
    NotSupported = 19,
    BadOperation = 20,
    FailedOperation = 21,
    MessageError = 22,
    QueueFull = 23,
    QueueNotAvailable = 24,
    BadFlags = 25,
    TooBig = 26,
    NoSections = 27,
    ContextNotFound = 28,
    TooManyGroups = 30,
    Security = 100,
}

/// <summary>cs_dispatch_flags_t.</summary>
internal enum CsDispatch
{
    One = 1,
    All = 2,
    Blocking = 3,
    OneNonBlocking = 4,
}

internal static class CsTrack
{
    public const uint Current = 0x01;
    public const uint Changes = 0x02;
}

internal static class CsErrorText
{
    /// <summary>The C constant name, so operators can grep corosync's sources and logs for it.</summary>
    public static string Name(CsError error) => error switch
    {
        CsError.Ok => "CS_OK",
        CsError.Library => "CS_ERR_LIBRARY",
        CsError.TryAgain => "CS_ERR_TRY_AGAIN",
        CsError.Access => "CS_ERR_ACCESS",
        CsError.NotExist => "CS_ERR_NOT_EXIST",
        CsError.BadHandle => "CS_ERR_BAD_HANDLE",
        CsError.Exist => "CS_ERR_EXIST",
        CsError.QueueFull => "CS_ERR_QUEUE_FULL",
        CsError.TooBig => "CS_ERR_TOO_BIG",
        CsError.Security => "CS_ERR_SECURITY",
        _ => $"cs_error_t {(int)error}",
    };
}
