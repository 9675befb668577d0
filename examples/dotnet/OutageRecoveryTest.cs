// An example test for .NET users: a presence publisher, written as a UCMA application
// writes one, driven through a User Services outage and its recovery by the simulators
// that `ucma-ha export csharp` generates. First the test plays the pool itself: it
// delivers the registrar's NOTIFY, the refreshes and the session's recovery in the order
// the model's composed system does (REG-1..REG-3, PRES-1, PRES-2, PRES-4); then the
// composed system's simulator (default configuration) delivers them.
//
// Build and run (docs/dotnet.md):
//   ucma-ha export csharp --out cs && (cd cs && mcs @library.rsp -out:UcmaHa.dll)
//   mcs -langversion:7 -warnaserror+ -r:cs/UcmaHa.dll examples/dotnet/OutageRecoveryTest.cs -out:cs/example.exe
//   MONO_PATH=cs mono cs/example.exe

using System;
using System.Collections.Generic;
using UcmaHa;

/// <summary>
/// Publishes the user's availability. It publishes only while the presence session is
/// Subscribed and User Services is known to be available; a request made in between is
/// kept and published once the session recovers.
/// </summary>
public sealed class PresencePublisher
{
    private readonly RegistrationSimulator registration;
    private readonly LocalOwnerPresenceSimulator presence;
    private bool userServicesDown;
    private bool pending;

    public PresencePublisher(RegistrationSimulator registration, LocalOwnerPresenceSimulator presence)
    {
        this.registration = registration;
        this.presence = presence;
        registration.RegistrationStateChanged += OnRegistrationStateChanged;
        presence.SubscriptionStateChange += OnSubscriptionStateChange;
    }

    public int Published { get; private set; }

    public List<string> Log { get; } = new List<string>();

    public void SetAvailability()
    {
        pending = true;
        TryPublish();
    }

    private void OnRegistrationStateChanged(object sender, RegistrationStateChangedEventArgs e)
    {
        Log.Add("registration " + e.PreviousState + " -> " + e.State + " (" + e.Reason + ", User Services "
            + e.UserServicesState + ")");
        if (e.UserServicesState == ServiceState.Unavailable)
        {
            userServicesDown = true;
        }
        else if (e.Reason == RegistrationTransitionReason.RegisterationRefresh
            && e.UserServicesState == ServiceState.Available)
        {
            userServicesDown = false;
            TryPublish();
        }
    }

    private void OnSubscriptionStateChange(object sender, SubscriptionStateChangeEventArgs e)
    {
        Log.Add("presence " + e.PreviousState + " -> " + e.State + " (" + e.ReasonForChange + ")");
        if (e.State == CollaborationSubscriptionState.Subscribed)
        {
            TryPublish();
        }
    }

    private void TryPublish()
    {
        if (!pending || userServicesDown
            || registration.State != RegistrationState.Registered
            || presence.State != CollaborationSubscriptionState.Subscribed)
        {
            return;
        }
        presence.BeginPublishPresence();
        pending = false;
        Published++;
        Log.Add("published");
    }
}

/// <summary>
/// The same publisher against the composed system, where the simulator delivers the
/// registrar's NOTIFY, the refreshes and the session's recovery itself, as the model's
/// wiring decides. A handler sees the state after the whole macro-step.
/// </summary>
public sealed class SystemPresencePublisher
{
    private readonly SystemSimulator system;
    private bool userServicesDown;
    private bool pending;

    public SystemPresencePublisher(SystemSimulator system)
    {
        this.system = system;
        system.RegistrationStateChanged += (sender, e) =>
        {
            if (e.UserServicesState == ServiceState.Unavailable)
            {
                userServicesDown = true;
            }
            else if (e.Reason == RegistrationTransitionReason.RegisterationRefresh)
            {
                userServicesDown = false;
                TryPublish();
            }
        };
        system.ComponentRaised += (sender, e) =>
        {
            var change = e.Event as SubscriptionStateChangeEventArgs;
            if (e.Component == "local_owner_presence" && change != null
                && change.State == CollaborationSubscriptionState.Subscribed)
            {
                TryPublish();
            }
        };
    }

    public int Published { get; private set; }

    public void SetAvailability()
    {
        pending = true;
        TryPublish();
    }

    private void TryPublish()
    {
        if (!pending || userServicesDown || system.StateOf("local_owner_presence") != "Subscribed")
        {
            return;
        }
        system.PublishPresence();
        pending = false;
        Published++;
    }
}

public static class OutageRecoveryTest
{
    private static int failures;

    private static void Check(bool condition, string what)
    {
        Console.WriteLine((condition ? "ok   " : "FAIL ") + what);
        if (!condition)
        {
            failures++;
        }
    }

    private static void PublisherWaitsOutTheOutage()
    {
        var registration = new RegistrationSimulator();
        var presence = new LocalOwnerPresenceSimulator();
        var publisher = new PresencePublisher(registration, presence);

        // Healthy: register, subscribe, publish.
        registration.BeginRegister();
        registration.RegisterOk();
        presence.BeginSubscribe();
        presence.SubscribeOk();
        publisher.SetAvailability();
        Check(publisher.Published == 1, "publishes while healthy");

        // The registrar says User Services is down (REG-1, REG-2); the session waits (PRES-1).
        registration.RegistrarNotifyUserServicesUnavailable();
        presence.PoolOffline();
        Check(presence.State == CollaborationSubscriptionState.WaitingForRetry, "session waits for retry (PRES-1)");
        publisher.SetAvailability();
        Check(publisher.Published == 1, "does not publish during the outage (PRES-2)");

        // The pool comes back: a refresh heals the registration (REG-3), the session recovers (PRES-4).
        registration.RefreshDue();
        registration.RefreshOk();
        Check(publisher.Published == 1, "waits for the session after the healing refresh");
        presence.PoolRecovered();
        presence.SubscribeOk();
        Check(presence.State == CollaborationSubscriptionState.Subscribed, "session Subscribed again (PRES-4)");
        Check(publisher.Published == 2, "publishes the pending availability after recovery");
        foreach (string line in publisher.Log)
        {
            Console.WriteLine("     " + line);
        }
    }

    /// <summary>A publisher that ignores the session's state is caught: UCMA throws, so does the simulator.</summary>
    private static void NaivePublishIsRejected()
    {
        var presence = new LocalOwnerPresenceSimulator();
        presence.BeginSubscribe();
        presence.SubscribeOk();
        presence.PoolOffline();
        bool threw = false;
        try
        {
            presence.BeginPublishPresence();
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Check(threw, "publishing in WaitingForRetry throws InvalidOperationException (PRES-2, AF-PUB)");
        Check(presence.State == CollaborationSubscriptionState.WaitingForRetry, "and changes nothing");
    }

    /// <summary>The whole system plays the servers: PoolFails, PoolRecovers, then the refresh heals it.</summary>
    private static void SystemWaitsOutTheOutage()
    {
        var system = new SystemSimulator();
        var publisher = new SystemPresencePublisher(system);
        system.BeginEstablish();
        system.SubscribePresence();
        publisher.SetAvailability();
        Check(publisher.Published == 1, "system: publishes while healthy");

        system.PoolFails();
        Check(system.StateOf("local_owner_presence") == "WaitingForRetry", "system: the outage NOTIFY idles the session (PRES-1)");
        Check(system.TableStateOf("registration") == "RegisteredUserServicesUnavailable", "system: the registration knows (REG-2)");
        publisher.SetAvailability();
        Check(publisher.Published == 1, "system: does not publish during the outage (PRES-2)");

        system.PoolRecovers();
        Check(publisher.Published == 1, "system: waits for the healing refresh (REG-3)");
        system.RegistrationRefreshDue();
        Check(system.StateOf("local_owner_presence") == "Subscribed", "system: the session recovers (PRES-4)");
        Check(publisher.Published == 2, "system: publishes the pending availability after recovery");
    }

    public static int Main()
    {
        PublisherWaitsOutTheOutage();
        NaivePublishIsRejected();
        SystemWaitsOutTheOutage();
        Console.WriteLine(failures == 0 ? "all checks passed" : failures + " check(s) failed");
        return failures == 0 ? 0 : 1;
    }
}
