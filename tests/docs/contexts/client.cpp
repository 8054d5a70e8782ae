// Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
// Around a C++ fragment that configures a SyncClient `client`.
#include <optimist/syncclient.h>

#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>

void configure(Optimist::SyncClient &client)
{
    // SNIPPET
}

int main()
{
    Optimist::SyncClient client;
    client.setActive(false);
    configure(client);
}
