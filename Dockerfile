# syntax=docker/dockerfile:1
# HaApi images; docker-compose.yml builds each target. Runtime images are Debian bookworm, as HaApi's own machines
# and tests run, so the corosync, resource agents and net-snmp inside are the versions the tests ran against.
#
#   node       corosync + haapi (deploy/node/entrypoint), resource agents, iproute2 for IPaddr2
#   snmptrapd  net-snmp's trap receiver printing every trap with PACEMAKER-MIB loaded (mibs/)
#   prometheus Debian's Prometheus with deploy/prometheus/ (scrapes every node on 9664)

# .NET 10 ships no Debian SDK image: build on Ubuntu, publish self-contained, run on Debian.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TARGETARCH
WORKDIR /src
# Project files first, so that a source change does not invalidate the restore layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Engine/HaApi.Engine.csproj src/Engine/
COPY src/Integrations/HaApi.Integrations.csproj src/Integrations/
COPY src/Api/HaApi.Api.csproj src/Api/
RUN dotnet restore src/Api/HaApi.Api.csproj --os linux -a "$TARGETARCH"
COPY src/ src/
RUN dotnet publish src/Api/HaApi.Api.csproj -c Release --os linux -a "$TARGETARCH" --self-contained --no-restore -o /opt/haapi

FROM debian:bookworm-slim AS node
# corosync and the tools scripts/cluster needs; resource agents (ocf:heartbeat:IPaddr2 and friends, as
# scripts/test-deps.d/executor.txt); no .NET runtime: the published haapi is self-contained.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      corosync iproute2 iptables procps util-linux ca-certificates \
      resource-agents pacemaker-resource-agents python3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/haapi /opt/haapi
COPY deploy/corosync-conf /usr/local/lib/haapi/corosync-conf
COPY deploy/node/entrypoint /usr/local/lib/haapi/entrypoint
ENV HAAPI_TRANSPORT=corosync \
    HAAPI_DATA_DIR=/var/lib/haapi \
    HAAPI_URLS=http://0.0.0.0:7480 \
    HAAPI_SHARED_DIR=/var/lib/haapi-shared
# 7480 API, 9664 metrics (ha_cluster_exporter's port), 5405/udp corosync knet
EXPOSE 7480 9664 5405/udp
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD ["sh", "-c", "corosync-cfgtool -s >/dev/null && exec 3<>/dev/tcp/127.0.0.1/7480"]
ENTRYPOINT ["/usr/local/lib/haapi/entrypoint"]

FROM debian:bookworm-slim AS snmptrapd
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends snmptrapd \
 && rm -rf /var/lib/apt/lists/*
COPY mibs/ /usr/share/haapi/mibs/
COPY deploy/snmptrapd/snmptrapd.conf /etc/haapi/snmptrapd.conf
EXPOSE 162/udp
# -C: only our config (Debian's /etc/snmp/snmp.conf turns MIB loading off); -Lo: traps on stdout (docker logs).
CMD ["snmptrapd", "-f", "-Lo", "-C", "-c", "/etc/haapi/snmptrapd.conf", \
     "-M", "/usr/share/haapi/mibs", "-m", "PACEMAKER-MIB:HOST-RESOURCES-MIB", \
     "-F", "%B [%b]: trap %P\n%V\n%v\n", "udp:162"]

FROM debian:bookworm-slim AS prometheus
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/*
COPY deploy/prometheus/ /etc/haapi/prometheus/
EXPOSE 9090
USER prometheus
CMD ["prometheus", "--config.file=/etc/haapi/prometheus/prometheus.yml", "--storage.tsdb.path=/var/lib/prometheus/metrics2", \
     "--web.listen-address=0.0.0.0:9090"]
