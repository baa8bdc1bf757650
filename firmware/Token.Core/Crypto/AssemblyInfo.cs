[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Token.Core.Tests")]
