using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("ProvenanceDevice.Token.Esp32")]
[assembly: AssemblyDescription("ProvenanceDevice signing token firmware for ESP32 boards")]
[assembly: AssemblyProduct("ProvenanceDevice")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: ComVisible(false)]
