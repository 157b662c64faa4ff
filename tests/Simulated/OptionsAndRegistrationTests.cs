using Microsoft.Extensions.DependencyInjection;

namespace BpfMaps.Simulated.Tests;

/// <summary>The options validate where they are set; the DI registration yields one simulator and lets a user's registration win.</summary>
public sealed class OptionsAndRegistrationTests
{
    [Fact]
    public void DefaultsAreThreeCpusAndLinux618()
    {
        var options = new SimulatedBpfBackendOptions();
        Assert.Equal(3, options.PossibleCpuCount);
        Assert.Equal(SimulatedKernelVersion.Linux6_18, options.KernelVersion);
        Assert.Equal(3, new SimulatedBpfMapBackend().PossibleCpuCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ACpuCountBelowOneIsRefusedBySetter(int cpus) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedBpfBackendOptions { PossibleCpuCount = cpus });

    [Fact]
    public void TheModelledKernelsAreTheProfilesOfTheMatrix()
    {
        Assert.Equal(LinuxKernelVersion.Profiles, SimulatedKernelVersions.All.Select(k => k.ToLinuxVersion()));
        Assert.Equal(SimulatedKernelVersion.Linux6_1, SimulatedKernelVersions.For(new LinuxKernelVersion(6, 8)));
        Assert.Null(SimulatedKernelVersions.For(new LinuxKernelVersion(5, 4)));
        Assert.True(SimulatedKernelVersions.TryParse("6.12", out var parsed));
        Assert.Equal(SimulatedKernelVersion.Linux6_12, parsed);
        Assert.False(SimulatedKernelVersions.TryParse("6.8", out _));
        Assert.Equal(new LinuxKernelVersion(5, 10), new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { KernelVersion = SimulatedKernelVersion.Linux5_10 }).KernelVersion);
    }

    [Fact]
    public void MirroringTakesTheCpusAndTheProfileOfAnotherBackend()
    {
        var mirrored = SimulatedBpfBackendOptions.Mirroring(new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 7, KernelVersion = SimulatedKernelVersion.Linux7_2 }));
        Assert.Equal(7, mirrored.PossibleCpuCount);
        Assert.Equal(SimulatedKernelVersion.Linux7_2, mirrored.KernelVersion);
    }

    [Fact]
    public void AnUndefinedKernelVersionOrZeroMemoryIsRefusedBySetter()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedBpfBackendOptions { KernelVersion = (SimulatedKernelVersion)99 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedBpfBackendOptions { MemoryLimitBytes = 0 });
    }

    [Fact]
    public void TheBackendKeepsTheOptionsItWasCreatedWith()
    {
        var options = new SimulatedBpfBackendOptions { PossibleCpuCount = 5 };
        var backend = new SimulatedBpfMapBackend(options);
        options.PossibleCpuCount = 7;
        Assert.Equal(5, backend.PossibleCpuCount);
    }

    [Fact]
    public void RegistrationResolvesOneConfiguredSingletonAsBothTypes()
    {
        using var provider = new ServiceCollection().AddSimulatedBpfBackend(o => o.PossibleCpuCount = 5).BuildServiceProvider();
        var backend = provider.GetRequiredService<IBpfMapBackend>();
        Assert.Same(provider.GetRequiredService<SimulatedBpfMapBackend>(), backend);
        Assert.Same(backend, provider.GetRequiredService<IBpfMapBackend>());
        Assert.Equal(5, backend.PossibleCpuCount);
    }

    [Fact]
    public void AUsersOwnBackendRegistrationWins()
    {
        var own = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 1 });
        var services = new ServiceCollection();
        services.AddSingleton<IBpfMapBackend>(own);
        using var provider = services.AddSimulatedBpfBackend().BuildServiceProvider();
        Assert.Same(own, provider.GetRequiredService<IBpfMapBackend>());
    }

    [Fact]
    public void AMapLargerThanTheMemoryLimitFailsWithEnomem()
    {
        var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { MemoryLimitBytes = 1 << 20 });
        Assert.Equal(Errno.ENOMEM, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 1024, 2048), out var map));
        Assert.Null(map);
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 1024, 512), out map));
        map!.Dispose();
    }

    [Fact]
    public void TheSameSeedGivesTheSameIterationOrderWithoutZeroSeed()
    {
        static List<uint> Order(int seed)
        {
            var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { Seed = seed });
            Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 64), out var map));
            using (map)
            {
                for (var i = 0u; i < 40; i++)
                {
                    Assert.Equal(Errno.None, backend.Update(map!, BitConverter.GetBytes(i), new byte[4]));
                }

                var order = new List<uint>();
                var key = Array.Empty<byte>();
                var next = new byte[4];
                while (backend.GetNextKey(map!, key, next) == Errno.None)
                {
                    order.Add(BitConverter.ToUInt32(next));
                    key = next.ToArray();
                }

                return order;
            }
        }

        Assert.Equal(Order(7), Order(7));
        Assert.NotEqual(Order(7), Order(8));
    }
}
