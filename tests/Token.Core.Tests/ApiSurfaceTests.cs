using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using ProvenanceDevice.Token;
using Token.Core.Tests.Esp32;

namespace Token.Core.Tests;

/// <summary>
/// The compiled core may only reference what nanoFramework 1.x offers (/work/shared/nanoframework-api.md):
/// every type, member and method instantiation it references in another assembly must be listed in
/// nanoframework-api.tsv by its documentation-comment ID; and each package declaring what the core or the app uses must
/// be one firmware/Token.Esp32/packages.config references, at the version the firmware is compiled against.
/// </summary>
public class ApiSurfaceTests
{
    // Emitted by the compiler or the SDK, not by our code; the nanoFramework build strips or supplies its own.
    private static readonly HashSet<string> CompilerEmittedTypes = new(StringComparer.Ordinal)
    {
        "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
        "System.Runtime.CompilerServices.NullableAttribute",
        "System.Runtime.CompilerServices.NullableContextAttribute",
        "System.Runtime.CompilerServices.NullablePublicOnlyAttribute",
        "System.Runtime.CompilerServices.RefSafetyRulesAttribute",
        "System.Runtime.CompilerServices.CompilationRelaxationsAttribute",
        "System.Runtime.CompilerServices.RuntimeCompatibilityAttribute",
        "System.Runtime.CompilerServices.IsReadOnlyAttribute",
        "System.Runtime.CompilerServices.EmbeddedAttribute",
        "System.Runtime.CompilerServices.ScopedRefAttribute",
        "System.Diagnostics.DebuggableAttribute",
        "System.Diagnostics.DebuggableAttribute.DebuggingModes",
        "System.Diagnostics.DebuggerBrowsableAttribute",
        "System.Diagnostics.DebuggerBrowsableState",
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyCompanyAttribute",
        "System.Reflection.AssemblyConfigurationAttribute",
        "System.Reflection.AssemblyFileVersionAttribute",
        "System.Reflection.AssemblyInformationalVersionAttribute",
        "System.Reflection.AssemblyProductAttribute",
        "System.Reflection.AssemblyTitleAttribute",
        "System.Reflection.AssemblyVersionAttribute",
        "System.Reflection.AssemblyMetadataAttribute",
        "System.Attribute",
        "System.AttributeUsageAttribute",
        "System.AttributeTargets",
    };

    [Fact]
    public void CoreReferencesOnlyTheNanoFrameworkApiSurface()
    {
        Dictionary<string, string> allowed = LoadApiList();
        List<ReferencedApi> referenced = CollectExternalReferences(typeof(TokenCore).Assembly.Location);

        var offenders = referenced
            .Where(api => !CompilerEmittedTypes.Contains(api.OwnerType))
            .Where(api => !api.CandidateIds.Any(allowed.ContainsKey))
            .Select(api => api.CandidateIds[0])
            .Distinct()
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0,
            "ProvenanceDevice.Token.Core references APIs that nanoFramework 1.x lacks:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void CollectorSeesTheCoreReferences()
    {
        List<string> ids = CollectExternalReferences(typeof(TokenCore).Assembly.Location)
            .Select(api => api.CandidateIds[0]).ToList();

        Assert.Contains("M System.Array.Copy(System.Array,System.Int32,System.Array,System.Int32,System.Int32)", ids);
        Assert.Contains("C System.Exception.#ctor(System.String)", ids);
        Assert.Contains("T System.Object", ids);
        Assert.Contains("M System.Text.Encoding.GetString(System.Byte[],System.Int32,System.Int32)", ids);
    }

    [Fact]
    public void EveryPackageTheCoreUsesIsOneTheAppReferences()
    {
        // The core runs inside the ESP32 app: whatever nanoFramework package declares an API the core calls must be in
        // firmware/Token.Esp32/packages.config, or the board build has no assembly to resolve it from.
        Dictionary<string, string> api = LoadApiList();
        Dictionary<string, string> referenced = FirmwarePackages.Referenced();

        var missing = CollectExternalReferences(typeof(TokenCore).Assembly.Location)
            .Where(r => !CompilerEmittedTypes.Contains(r.OwnerType))
            .Select(r => (Api: r.CandidateIds[0], Package: r.CandidateIds.Select(id => api.GetValueOrDefault(id)).FirstOrDefault(p => p != null)))
            .Where(r => r.Package != null && !referenced.ContainsKey(r.Package))
            .Select(r => r.Package + " (for " + r.Api + ")")
            .Distinct()
            .OrderBy(x => x, StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, "the core uses packages that firmware/Token.Esp32/packages.config lacks:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void TheApiListDescribesThePackageVersionsTheAppReferences()
    {
        // The list was taken from each library's version.json line (e.g. 1.17); the app must reference that line
        // (e.g. 1.17.11), or this test would vouch for an API surface the board does not get.
        Dictionary<string, string> listed = LoadApiListVersions();

        foreach (var (package, version) in FirmwarePackages.Referenced())
        {
            Assert.True(listed.TryGetValue(package, out string? line), package + " is referenced by packages.config but not covered by nanoframework-api.tsv");
            Assert.True(version.StartsWith(line + ".", StringComparison.Ordinal),
                $"packages.config references {package} {version}, but nanoframework-api.tsv lists its {line}.x API");
        }
    }

    [RequiresNanoFrameworkFact]
    public void TheFirmwareUsesOnlyPackagesItReferencesAtTheReferencedVersion()
    {
        // Read from the assemblies compile-nfproj built: every assembly they reference must come from a package the
        // app references (its HintPath), at the version packages.config names, which must be the version of the
        // reference assembly compiled against; and every API used from it must be one that package declares.
        Dictionary<string, string> packages = FirmwarePackages.Referenced();
        var sources = FirmwarePackages.AssemblySources();
        Dictionary<string, string> built = FirmwarePackages.ReferenceAssemblyVersions();
        Dictionary<string, string> api = LoadApiList();
        var problems = new List<string>();
        var checkedApis = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (assembly, source) in sources)
        {
            if (!built.TryGetValue(assembly, out string? compiledAgainst) || compiledAgainst != source.Version)
                problems.Add($"Token.Esp32.nfproj references {assembly} from {source.Package} {source.Version}, but the reference assembly compile-nfproj compiles against is {compiledAgainst ?? "absent"} (../shared/nanoframework-ref/README.md)");
        }

        foreach (CompileResult firmware in new[] { NanoFrameworkBuild.App(), NanoFrameworkBuild.Core() })
        {
            Assert.True(firmware.Succeeded, firmware.Describe());
            string name = Path.GetFileName(firmware.AssemblyPath);
            foreach (var (assembly, version) in AssemblyReferences(firmware.AssemblyPath))
            {
                if (!sources.TryGetValue(assembly, out var source))
                {
                    problems.Add($"{name} references {assembly}, which no <Reference> of Token.Esp32.nfproj provides");
                    continue;
                }
                if (!packages.TryGetValue(source.Package, out string? configured) || configured != source.Version)
                    problems.Add($"{name}: {assembly} comes from {source.Package} {source.Version}, packages.config has {configured ?? "no such package"}");
                if (version != new Version(0, 0, 0, 0) && FirmwarePackages.ThreeParts(version.ToString()) != source.Version)
                    problems.Add($"{name}: {assembly} has assembly version {version}, the package is {source.Version}");
                if (source.IncludeVersion != null && FirmwarePackages.ThreeParts(source.IncludeVersion) != source.Version)
                    problems.Add($"Token.Esp32.nfproj: <Reference Include=\"{assembly}, Version={source.IncludeVersion}\"> but its HintPath is {source.Package} {source.Version}");
            }

            foreach (ReferencedApi used in CollectExternalReferences(firmware.AssemblyPath))
            {
                if (used.Assembly == null || CompilerEmittedTypes.Contains(used.OwnerType)) continue;
                string? declaredBy = used.CandidateIds.Select(id => api.GetValueOrDefault(id)).FirstOrDefault(p => p != null);
                string? providedBy = sources.TryGetValue(used.Assembly, out var source) ? source.Package : null;
                checkedApis.Add(used.Assembly + ": " + used.CandidateIds[0]);
                if (declaredBy == null)
                    problems.Add($"{name} uses {used.CandidateIds[0]} from {used.Assembly}, which nanoframework-api.tsv does not list");
                else if (declaredBy != providedBy)
                    problems.Add($"{name} uses {used.CandidateIds[0]}: the list puts it in {declaredBy}, the build took it from {used.Assembly} ({providedBy ?? "no package"})");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
        // Not vacuous: the uptime the app reads comes from nanoFramework.Runtime.Native, the UART from System.IO.Ports.
        Assert.Contains("nanoFramework.Runtime.Native: M System.Environment.get_TickCount64", checkedApis);
        Assert.Contains(checkedApis, a => a.StartsWith("System.IO.Ports: C System.IO.Ports.SerialPort.#ctor", StringComparison.Ordinal));
    }

    [RequiresNanoFrameworkFact]
    public void EveryPackageTheAppReferencesIsUsed()
    {
        // A package nothing needs still has to be deployed next to the app and matched by the firmware image's native
        // side; keep only the assemblies the app uses and what those reference in turn (read from lib/*.dll).
        CompileResult app = NanoFrameworkBuild.App();
        Assert.True(app.Succeeded, app.Describe());
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(AssemblyReferences(app.AssemblyPath).Select(r => r.Name));
        while (pending.Count > 0)
        {
            string assembly = pending.Pop();
            if (!needed.Add(assembly)) continue;
            string dll = Path.Combine(NanoFrameworkBuild.ReferenceLibrary!, assembly + ".dll");
            if (File.Exists(dll)) foreach (var (dependency, _) in AssemblyReferences(dll)) pending.Push(dependency);
        }

        var unused = FirmwarePackages.AssemblySources().Where(s => !needed.Contains(s.Key)).Select(s => s.Value.Package + " (" + s.Key + ".dll)").ToList();

        Assert.True(unused.Count == 0, "Token.Esp32 references packages that neither the app nor its dependencies use:\n  " + string.Join("\n  ", unused));
    }

    private static List<(string Name, Version Version)> AssemblyReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h)).Select(r => (reader.GetString(r.Name), r.Version)).ToList();
    }

    /// <summary>nanoframework-api.tsv: documentation-comment ID → the NuGet package that declares it.</summary>
    private static Dictionary<string, string> LoadApiList()
    {
        string path = FindApiList();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int tab = line.IndexOf('\t');
            if (tab > 0) ids.TryAdd(line.Substring(tab + 1), line.Substring(0, tab));
        }
        Assert.True(ids.Count > 2000, "too few entries in " + path);
        return ids;
    }

    /// <summary>The tsv's per-package comment lines: package id → the version.json line (major.minor) the list was taken from.</summary>
    private static Dictionary<string, string> LoadApiListVersions()
    {
        var header = new Regex(@"^# (?<package>\S+)\t\S+ \(.*version\.json (?<version>\d+\.\d+),", RegexOptions.CultureInvariant);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(FindApiList()).TakeWhile(l => l.StartsWith('#')))
        {
            Match m = header.Match(line);
            if (m.Success) versions[m.Groups["package"].Value] = m.Groups["version"].Value;
        }
        Assert.True(versions.ContainsKey("nanoFramework.CoreLibrary"), "no per-package version lines in " + FindApiList());
        return versions;
    }

    // The repository sits beside /work/shared (in CI at /work/main; a worktree at /work/wt/<name>): walk upward.
    private static string FindApiList()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "nanoframework-api.tsv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("no shared/nanoframework-api.tsv in any parent of " + AppContext.BaseDirectory);
    }

    /// <summary>An API the assembly uses: its owner type, its possible documentation IDs, and the assembly it resolves to (null for generic owners).</summary>
    internal sealed record ReferencedApi(string OwnerType, string[] CandidateIds, string? Assembly = null);

    internal static List<ReferencedApi> CollectExternalReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var provider = new DocIdTypeProvider(reader);
        var result = new List<ReferencedApi>();

        foreach (TypeReferenceHandle handle in reader.TypeReferences)
        {
            if (!IsExternal(reader, handle)) continue;
            string name = provider.TypeReferenceName(handle);
            result.Add(new ReferencedApi(name, new[] { "T " + name }, AssemblyOf(reader, handle)));
        }

        foreach (MemberReferenceHandle handle in reader.MemberReferences)
        {
            ReferencedApi? api = DescribeMember(reader, provider, handle);
            if (api != null) result.Add(api);
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = reader.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            if (spec.Method.Kind != HandleKind.MemberReference) continue;
            ReferencedApi? api = DescribeMember(reader, provider, (MemberReferenceHandle)spec.Method);
            if (api != null) result.Add(api);
        }
        return result;
    }

    private static bool IsExternal(MetadataReader reader, TypeReferenceHandle handle) => AssemblyOf(reader, handle) != null;

    private static string? AssemblyOf(MetadataReader reader, TypeReferenceHandle handle)
    {
        EntityHandle scope = reader.GetTypeReference(handle).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        return scope.Kind == HandleKind.AssemblyReference ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) : null;
    }

    private static ReferencedApi? DescribeMember(MetadataReader reader, DocIdTypeProvider provider, MemberReferenceHandle handle)
    {
        MemberReference member = reader.GetMemberReference(handle);
        string owner;
        string? assembly = null;
        switch (member.Parent.Kind)
        {
            case HandleKind.TypeReference:
                assembly = AssemblyOf(reader, (TypeReferenceHandle)member.Parent);
                if (assembly == null) return null;
                owner = provider.TypeReferenceName((TypeReferenceHandle)member.Parent);
                break;
            case HandleKind.TypeSpecification:
                owner = OpenGenericName(reader.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(provider, null));
                break;
            default:
                return null;
        }

        string name = reader.GetString(member.Name);
        if (member.GetKind() == MemberReferenceKind.Field)
        {
            return new ReferencedApi(owner, new[] { "F " + owner + "." + name }, assembly);
        }

        MethodSignature<string> signature = member.DecodeMethodSignature(provider, null);
        string parameters = signature.ParameterTypes.Length == 0 ? "" : "(" + string.Join(",", signature.ParameterTypes) + ")";
        string arity = signature.GenericParameterCount > 0 ? "``" + signature.GenericParameterCount : "";
        string returns = name is "op_Implicit" or "op_Explicit" ? "~" + signature.ReturnType : "";
        if (name == ".ctor") return new ReferencedApi(owner, new[] { "C " + owner + ".#ctor" + parameters }, assembly);

        var ids = new List<string> { "M " + owner + "." + name + arity + parameters + returns };
        // Accessors are listed under their property or event.
        if (name.StartsWith("get_", StringComparison.Ordinal))
        {
            ids.Add("P " + owner + "." + name.Substring(4) + parameters);
        }
        else if (name.StartsWith("set_", StringComparison.Ordinal))
        {
            ImmutableArray<string> indexes = signature.ParameterTypes.RemoveAt(signature.ParameterTypes.Length - 1);
            ids.Add("P " + owner + "." + name.Substring(4) + (indexes.Length == 0 ? "" : "(" + string.Join(",", indexes) + ")"));
        }
        else if (name.StartsWith("add_", StringComparison.Ordinal) || name.StartsWith("remove_", StringComparison.Ordinal))
        {
            ids.Add("E " + owner + "." + name.Substring(name.IndexOf('_') + 1));
        }
        return new ReferencedApi(owner, ids.ToArray(), assembly);
    }

    // "System.Collections.Generic.List{System.Int32}" is a member of "System.Collections.Generic.List`1".
    private static string OpenGenericName(string instantiated)
    {
        int brace = instantiated.IndexOf('{');
        if (brace < 0 || !instantiated.EndsWith('}')) return instantiated;
        int depth = 0;
        int arguments = 1;
        for (int i = brace + 1; i < instantiated.Length - 1; i++)
        {
            char c = instantiated[i];
            if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (c == ',' && depth == 0) arguments++;
        }
        return instantiated.Substring(0, brace) + "`" + arguments;
    }

    /// <summary>Renders signature types the way documentation-comment IDs spell them.</summary>
    private sealed class DocIdTypeProvider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _reader;

        public DocIdTypeProvider(MetadataReader reader) => _reader = reader;

        public string TypeReferenceName(TypeReferenceHandle handle)
        {
            TypeReference type = _reader.GetTypeReference(handle);
            string name = _reader.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return TypeReferenceName((TypeReferenceHandle)type.ResolutionScope) + "." + name;
            }
            string ns = _reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => "System.Boolean",
            PrimitiveTypeCode.Byte => "System.Byte",
            PrimitiveTypeCode.SByte => "System.SByte",
            PrimitiveTypeCode.Char => "System.Char",
            PrimitiveTypeCode.Int16 => "System.Int16",
            PrimitiveTypeCode.UInt16 => "System.UInt16",
            PrimitiveTypeCode.Int32 => "System.Int32",
            PrimitiveTypeCode.UInt32 => "System.UInt32",
            PrimitiveTypeCode.Int64 => "System.Int64",
            PrimitiveTypeCode.UInt64 => "System.UInt64",
            PrimitiveTypeCode.Single => "System.Single",
            PrimitiveTypeCode.Double => "System.Double",
            PrimitiveTypeCode.IntPtr => "System.IntPtr",
            PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
            PrimitiveTypeCode.Object => "System.Object",
            PrimitiveTypeCode.String => "System.String",
            PrimitiveTypeCode.TypedReference => "System.TypedReference",
            PrimitiveTypeCode.Void => "System.Void",
            _ => "?" + typeCode,
        };

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeReferenceName(handle);

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            TypeDefinitionHandle declaring = type.GetDeclaringType();
            if (!declaring.IsNil) return GetTypeFromDefinition(reader, declaring, rawTypeKind) + "." + name;
            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape)
            => elementType + "[" + string.Join(",", Enumerable.Repeat("0:", shape.Rank)) + "]";

        public string GetByReferenceType(string elementType) => elementType + "@";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            int tick = genericType.LastIndexOf('`');
            string open = tick < 0 ? genericType : genericType.Substring(0, tick);
            return open + "{" + string.Join(",", typeArguments) + "}";
        }

        public string GetGenericTypeParameter(object? genericContext, int index) => "`" + index;

        public string GetGenericMethodParameter(object? genericContext, int index) => "``" + index;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "=FUNC:" + signature.ReturnType;
    }
}
