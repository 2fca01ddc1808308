using System.Security.Cryptography.X509Certificates;
using HaApi.Api.Auth;
using HaApi.Api.Cli;
using HaApi.Api.Endpoints;
using HaApi.Api.Errors;
using HaApi.Api.Hosting;
using HaApi.Engine.Cluster;
using HaApi.Engine.Controller;
using HaApi.Engine.Events;
using HaApi.Engine.Ports;
using HaApi.Integrations.Agents;
using HaApi.Integrations.Corosync;
using HaApi.Integrations.Prometheus;
using HaApi.Integrations.Persistence;

if (args is ["simulate", ..])
    return SimulateCommand.Run(args[1..], Console.Out, Console.Error);

// Settings are read and validated once at start-up, so appsettings.json is not watched for changes: the watcher covers
// the working directory recursively (/var/lib/haapi under systemd, the data directory's parent), and every
// configuration write's journal append woke it.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
if (Environment.GetEnvironmentVariable("HAAPI_CONFIG") is { Length: > 0 } configFile)
    builder.Configuration.AddJsonFile(configFile, optional: false);
builder.Configuration.AddInMemoryCollection(HaApiOptions.FromEnvironment());
builder.Configuration.AddCommandLine(args);
// Per-request lines would drown what happened to which node and resource; requests that fail are logged as errors.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

var options = HaApiOptions.Load(builder.Configuration);
var problems = options.Problems().ToList();
if (problems.Count > 0)
{
    Console.Error.WriteLine("haapi: the configuration is not usable:\n  " + string.Join("\n  ", problems));
    return 2;
}

builder.WebHost.UseUrls([.. options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries), .. options.MetricsUrlList]);
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
    k.AddServerHeader = false;
    if (options.TlsCertificateFile is not null)
        k.ConfigureHttpsDefaults(h => h.ServerCertificate = X509Certificate2.CreateFromPemFile(options.TlsCertificateFile, options.TlsKeyFile));
});

builder.Services.AddSingleton(options);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "HaApi";
    doc.Info.Version = "v1";
    doc.Info.Description = "High-availability cluster control plane: configuration, status and operations of a Pacemaker-compatible cluster.";
    doc.Servers?.Clear();
    return Task.CompletedTask;
}));
builder.Services.ConfigureHttpJsonOptions(j =>
{
    j.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
    j.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
});
// Malformed bodies raise BadHttpRequestException so that the problem-details handler can name the field.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<EventHub>();
builder.Services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<EventHub>());
builder.Services.AddSingleton<EngineMetrics>(sp => new EngineMetrics(() => sp.GetRequiredService<EventHub>().DroppedTotal));
builder.Services.AddSingleton(sp => new MeterCollector(sp.GetRequiredService<EngineMetrics>().Meter));
builder.Services.AddSingleton<HaClusterMetricsCache>();
builder.Services.AddSingleton(sp => new SnapshotBuilder(sp.GetRequiredService<ConfigurationReplica>(),
    () => sp.GetRequiredService<ClusterController>().View.Status, sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<IConfigStore>(_ => new FileConfigStore(options.ResolvedDataDirectory));
builder.Services.AddSingleton<IGroupTransport>(sp => options.Transport switch
{
    "corosync" => new CorosyncTransport(new CorosyncTransportOptions(), sp.GetRequiredService<ILogger<CorosyncTransport>>()),
    _ => new LocalGroupTransport(options.ResolvedNodeName),
});
builder.Services.AddSingleton<ConfigurationReplica>();
builder.Services.AddSingleton<FencingWiring>();
builder.Services.AddSingleton<IResourceAgentRunner>(_ => new ResourceAgentRunner(AgentDirectories.For(options)));
builder.Services.AddSingleton(sp => new ClusterController(
    sp.GetRequiredService<IGroupTransport>(),
    sp.GetRequiredService<IResourceAgentRunner>(),
    sp.GetRequiredService<FencingWiring>().Create,
    sp.GetRequiredService<IEventSink>(),
    sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<ILoggerFactory>()));
builder.Services.AddSingleton<ConfigWriter>();
builder.Services.AddSingleton<ConfigurationHistory>();
builder.Services.AddSingleton<ClusterWaiter>();
builder.Services.AddSingleton(sp => new NodeShutdown(sp.GetRequiredService<ConfigurationReplica>(), sp.GetRequiredService<ClusterController>(),
    sp.GetRequiredService<IGroupTransport>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NodeShutdown>>()));
// A clean stop hands the node's resources over first; shutdown-escalation (default 20 min) bounds it, not the host.
builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromHours(1));
builder.Services.AddHostedService<EngineHost>();
builder.Services.AddHostedService<MonitoringSinks>();
builder.Services.AddHostedService<SelfFencing>();
builder.Services.AddSingleton(sp => TokenStore.LoadOrCreate(options.ResolvedTokenFile,
    Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.ResolvedTokenFile))!, "admin-token"),
    sp.GetRequiredService<ILogger<TokenStore>>()));

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
// Kestrel enforces the limit on streamed bodies; this refuses declared oversize bodies before any is read.
app.Use((http, next) => http.Request.ContentLength > options.MaxRequestBodyBytes
    ? throw new BadHttpRequestException($"the request body is {http.Request.ContentLength} bytes; the limit is {options.MaxRequestBodyBytes} (HaApi:MaxRequestBodyBytes)", StatusCodes.Status413PayloadTooLarge)
    : next(http));

app.MapOpenApi("/openapi/{documentName}.json");
app.UseSwaggerUI(o =>
{
    o.SwaggerEndpoint("/openapi/v1.json", "HaApi v1");
    o.RoutePrefix = "swagger";
});

app.MapGet("/api/v1/health", (ConfigurationReplica replica) =>
    TypedResults.Ok(new HealthDto(replica.Local.Name, replica.State.Quorate, replica.Config.Version.ToString())))
    .WithTags("Health").WithName("Health").WithSummary("Liveness and quorum of this node (no token needed)");

app.MapMetrics();

var api = app.MapGroup("/api/v1")
    .AddEndpointFilter(new BearerTokenFilter(app.Services.GetRequiredService<TokenStore>(), options.AllowAnonymousReads))
    .ProducesProblem(StatusCodes.Status401Unauthorized)
    .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
api.MapConfigurationApi();
api.MapNodesApi();
api.MapEvents();
api.MapSchedulerApi();
api.MapStatusApi();
api.MapResourceOperationsApi();
api.MapStonithApi();

app.Logger.LogInformation("HaApi node {Node} (transport {Transport}, data {DataDirectory}) listening on {Urls}",
    options.ResolvedNodeName, options.Transport, options.ResolvedDataDirectory, options.Urls);
await app.RunAsync();
return 0;

internal sealed record HealthDto(string Node, bool Quorate, string ConfigVersion);

public partial class Program;
