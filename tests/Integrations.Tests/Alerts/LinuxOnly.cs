// HaApi.Integrations is Linux-only (SupportedOSPlatform("linux")); so are these tests. The attribute allows
// repeats, so other areas of this test project may declare it too.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
