using System.Collections.Immutable;
using System.Text;
using HaApi.Engine.Execution;

namespace HaApi.Integrations.Agents;

/// <summary>
/// Stand-ins for Pacemaker's crm_attribute and crm_master, installed in a private bin directory that is first on the
/// agent's PATH and is its HA_SBIN_DIR. Promotable agents (pacemaker:Stateful, anything using ocf_promotion_score)
/// publish their promotion score with them; there is no CIB to talk to, so the shim appends each change to the
/// file named by HAAPI_ATTRIBUTE_FILE and the runner returns them as OperationResult.AttributeUpdates.
/// </summary>
internal static class CrmAttributeShim
{
    /// <summary>Bound on the updates read back from one agent call.</summary>
    public const int MaxUpdates = 100;

    // Supported: --promotion/-p [RSC], -v/--update VALUE, -D/--delete, -G/--query, -n/--name NAME, -r/--resource RSC
    // (crm_master), and -l/-t/-N/-s/-i/-d with their argument (lifetime, node… accepted and ignored: updates always
    // concern this node and this call). Queries answer from updates made earlier in the same call only.
    private const string Script = """
        #!/bin/sh
        # HaApi shim for crm_attribute/crm_master: records attribute changes for the agent runner to read back.
        me=${0##*/}
        file=${HAAPI_ATTRIBUTE_FILE:-}
        name= value= action= promotion= rsc=${OCF_RESOURCE_INSTANCE:-}
        [ "$me" = crm_master ] && promotion=1
        while [ $# -gt 0 ]; do
          case "$1" in
            -p|--promotion) promotion=1; case "${2:-}" in ''|-*) ;; *) rsc=$2; shift ;; esac ;;
            --promotion=*) promotion=1; rsc=${1#*=} ;;
            -v|--update|--attr-value) action=set; value=${2:-}; shift ;;
            --update=*|--attr-value=*) action=set; value=${1#*=} ;;
            -D|--delete) action=delete ;;
            -G|--query) action=query ;;
            -n|--name|--attr-name) name=${2:-}; shift ;;
            --name=*|--attr-name=*) name=${1#*=} ;;
            -r|--resource) rsc=${2:-}; shift ;;
            -l|--lifetime|-t|--type|-N|--node|-s|--set-name|-i|--id|-d|--default|-U|--node-uname) shift ;;
            -q|--quiet|-Q) ;;
            *) ;;
          esac
          shift
        done
        if [ -n "$promotion" ]; then
          [ -n "$rsc" ] || { echo "$me: no resource given and OCF_RESOURCE_INSTANCE is unset" >&2; exit 64; }
          name="master-${rsc%%:*}"
        fi
        [ -n "$name" ] || { echo "$me: no attribute name given (use -n NAME or --promotion)" >&2; exit 64; }
        [ -n "$file" ] || { echo "$me: HAAPI_ATTRIBUTE_FILE is not set; only agents run by HaApi can publish attributes" >&2; exit 69; }
        tab=$(printf '\t')
        nl='
        '
        case "$name$value" in *"$tab"*|*"$nl"*) echo "$me: attribute names and values cannot contain newlines or tabs" >&2; exit 65 ;; esac
        case "$action" in
          set) printf 'set\t%s\t%s\n' "$name" "$value" >>"$file" ;;
          delete) printf 'delete\t%s\n' "$name" >>"$file" ;;
          *)
            last=$(awk -F "$tab" -v n="$name" '$2 == n { op = $1; v = $3 } END { if (op == "set") print "=" v }' "$file" 2>/dev/null)
            case "$last" in
              =*) printf '%s\n' "${last#=}" ;;
              *) echo "Error performing operation: No such device or address" >&2; exit 105 ;;
            esac ;;
        esac
        exit 0
        """;

    /// <summary>Writes crm_attribute and crm_master into <paramref name="binDirectory"/> (atomically, so concurrent
    /// runners never see a half-written script).</summary>
    public static void Install(string binDirectory)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("agents run on Linux only");
        Directory.CreateDirectory(binDirectory);
        foreach (var name in new[] { "crm_attribute", "crm_master" })
        {
            var target = Path.Combine(binDirectory, name);
            var temp = target + "." + Guid.NewGuid().ToString("N");
            File.WriteAllText(temp, Script.Replace("\r\n", "\n") + "\n", new UTF8Encoding(false));
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.Move(temp, target, overwrite: true);
        }
    }

    /// <summary>Reads what the shim recorded during one call, in order; malformed lines are skipped.</summary>
    public static ImmutableArray<AttributeUpdate> ReadUpdates(string attributeFile)
    {
        if (!File.Exists(attributeFile)) return ImmutableArray<AttributeUpdate>.Empty;
        var updates = ImmutableArray.CreateBuilder<AttributeUpdate>();
        using var reader = new StreamReader(attributeFile, Encoding.UTF8);
        while (updates.Count < MaxUpdates && reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f is ["set", var name, var value] && name.Length > 0) updates.Add(new AttributeUpdate(name, value));
            else if (f is ["delete", var deleted] && deleted.Length > 0) updates.Add(new AttributeUpdate(deleted, null));
        }
        return updates.ToImmutable();
    }
}
