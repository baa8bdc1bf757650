using System;
using System.IO;

namespace Provenance.Device;

/// <summary>Why a serial port cannot be opened, said so that the user can fix it.</summary>
public static class SerialAccess
{
    /// <summary>The udev rule shipped in the repository (hardware/99-provenance-token.rules).</summary>
    public const string UdevRule = "hardware/99-provenance-token.rules";

    /// <summary>True for the error .NET raises when open(2) on the port answered EACCES (or EPERM).</summary>
    public static bool IsPermissionDenied(Exception e) => e is UnauthorizedAccessException;

    /// <summary>
    /// One line for a port the user may not open on Linux: join the group that owns it (dialout on Debian, Ubuntu and
    /// Fedora; uucp on Arch) or install the udev rule, which gives the usual USB-UART bridges to dialout and to the user at
    /// the seat.
    /// </summary>
    public static string PermissionAdvice(string port) =>
        "permission denied on " + port + ": add yourself to the group that owns it (sudo usermod -aG dialout $USER; uucp on Arch), then log out and in; "
        + "or install the udev rule: sudo cp " + UdevRule + " /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger";

    /// <summary>The message for a port that failed to open: the permission advice on Linux, else the system's words.</summary>
    public static string Explain(string port, Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (IsPermissionDenied(e) && !OperatingSystem.IsWindows()) return "cannot open " + port + ": " + PermissionAdvice(port);
        return "cannot open " + port + ": " + e.Message.ReplaceLineEndings(" ").Trim();
    }
}
