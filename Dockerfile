# AkkaChat node image: `docker build -t akkachat .` then, for one node on SQLite,
#   docker run -p 8080:8080 -v akkachat-data:/data akkachat
# and see docker-compose.yml for three nodes on PostgreSQL. docs/OPERATIONS.md ("Docker") has the details.
# scripts/docker-steps.sh runs this file's build and start steps without a container engine.

# ---- build: the SDK restores and publishes the node (framework-dependent, Release) ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that a source change does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Core/Core.csproj src/Core/
COPY src/Persistence/Persistence.csproj src/Persistence/
COPY src/Edge/Edge.csproj src/Edge/
RUN dotnet restore src/Edge/Edge.csproj
COPY hocon/ hocon/
COPY src/Core/ src/Core/
COPY src/Persistence/ src/Persistence/
COPY src/Edge/ src/Edge/
RUN dotnet publish src/Edge/Edge.csproj -c Release --no-restore -nologo -o /app
COPY deploy/healthcheck.sh /app/healthcheck.sh

# ---- runtime: ASP.NET Core runtime only, as the image's non-root user ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app/ ./
# /data holds the SQLite database, the generated secrets and the attachments (on PostgreSQL: a cache of them).
# It must be writable by the non-root user `app` (uid 1654) that the .NET images ship.
RUN mkdir -p /data && chown app:app /data && chmod 0750 /data
VOLUME ["/data"]
# AKKACHAT_BIND is the HTTP address and the address other nodes reach this one at: 0.0.0.0 serves a single node;
# a cluster node needs an address the others can reach (docker-compose.yml gives each node a fixed one).
# ASPNETCORE_HTTP_PORTS, set by the base image, is cleared: AkkaChat's port is AKKACHAT_HTTP_PORT.
ENV AKKACHAT_DATA_DIR=/data \
    AKKACHAT_BIND=0.0.0.0 \
    AKKACHAT_HTTP_PORT=8080 \
    AKKACHAT_REMOTE_PORT=4053 \
    ASPNETCORE_HTTP_PORTS=
# 8080: HTTP and WebSockets (put a load balancer in front); 4053: Akka remoting between the nodes of a cluster.
EXPOSE 8080 4053
USER app
# The .NET images have neither curl nor wget: the check speaks HTTP to /readyz through bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["bash", "/app/healthcheck.sh"]
# SIGTERM (docker stop) leaves the cluster gracefully; give it time: `docker stop -t 60`, compose's stop_grace_period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "AkkaChat.Edge.dll"]
