namespace BpfMaps.Conformance;

/// <summary>A conformance case saw something other than what the kernel does.</summary>
public sealed class ConformanceFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConformanceFailureException()
    {
    }

    /// <summary>Creates the exception with a message that says what was expected and what came back.</summary>
    public ConformanceFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public ConformanceFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
