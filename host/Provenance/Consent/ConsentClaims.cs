using System;
using System.Collections.Generic;

namespace Provenance.Consent;

/// <summary>One use of the work an artist can allow or refuse (CAWG training-and-mining assertion, cawg.* entries).</summary>
public enum ConsentUse
{
    /// <summary>`cawg.ai_training`</summary>
    AiTraining,
    /// <summary>`cawg.ai_generative_training`</summary>
    AiGenerativeTraining,
    /// <summary>`cawg.data_mining`</summary>
    DataMining,
    /// <summary>`cawg.ai_inference`</summary>
    AiInference,
}

/// <summary>`allowed`, `notAllowed` or `constrained` (CAWG training-and-mining).</summary>
public enum ConsentPermission
{
    Allowed,
    NotAllowed,
    Constrained,
}

/// <summary>The artist's consent for each use; travels in the manifest (`cawg.training-mining`) and in XMP (`plus:DataMining`).</summary>
public sealed class ConsentClaims
{
    private readonly Dictionary<ConsentUse, (ConsentPermission Permission, string? ConstraintInfo)> _entries = new();

    public ConsentClaims()
    {
        foreach (ConsentUse use in Enum.GetValues<ConsentUse>()) _entries[use] = (ConsentPermission.NotAllowed, null);
    }

    /// <summary>The default an artist gets before choosing: every use notAllowed.</summary>
    public static ConsentClaims AllNotAllowed() => new();

    public ConsentPermission this[ConsentUse use] => _entries[use].Permission;

    public string? ConstraintInfo(ConsentUse use) => _entries[use].ConstraintInfo;

    public void Set(ConsentUse use, ConsentPermission permission, string? constraintInfo = null)
    {
        if (permission == ConsentPermission.Constrained && string.IsNullOrWhiteSpace(constraintInfo))
            throw new ArgumentException($"{EntryName(use)} is constrained, so it needs constraint information", nameof(constraintInfo));
        _entries[use] = (permission, permission == ConsentPermission.Constrained ? constraintInfo : null);
    }

    /// <summary>The key of the use in the CAWG assertion.</summary>
    public static string EntryName(ConsentUse use) => use switch
    {
        ConsentUse.AiTraining => "cawg.ai_training",
        ConsentUse.AiGenerativeTraining => "cawg.ai_generative_training",
        ConsentUse.DataMining => "cawg.data_mining",
        ConsentUse.AiInference => "cawg.ai_inference",
        _ => throw new ArgumentOutOfRangeException(nameof(use)),
    };

    /// <summary>The value of the permission in the CAWG assertion.</summary>
    public static string PermissionName(ConsentPermission permission) => permission switch
    {
        ConsentPermission.Allowed => "allowed",
        ConsentPermission.NotAllowed => "notAllowed",
        ConsentPermission.Constrained => "constrained",
        _ => throw new ArgumentOutOfRangeException(nameof(permission)),
    };
}
