// Agents only exist on Linux, as does the HaApi.Integrations assembly under test.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
