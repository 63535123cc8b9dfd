import { useRoute, linkProps } from '../route.ts';
import { IncidentPage, IncidentsPage } from './Incidents.tsx';
import { TraceList } from './TraceList.tsx';
import { TraceView } from './trace/TraceView.tsx';

export function App(): React.JSX.Element {
  const [state, navigate] = useRoute();
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" {...linkProps({ page: 'traces', filters: {} }, navigate)}>
          Causeway
        </a>
        <nav>
          <a data-testid="nav-traces" className={state.page === 'traces' || state.page === 'trace' ? 'active' : ''} {...linkProps({ page: 'traces', filters: {} }, navigate)}>
            Traces
          </a>
          <a data-testid="nav-incidents" className={state.page === 'incidents' || state.page === 'incident' ? 'active' : ''} {...linkProps({ page: 'incidents' }, navigate)}>
            Incidents
          </a>
        </nav>
      </header>
      <main>
        {state.page === 'traces' ? <TraceList filters={state.filters} navigate={navigate} /> : null}
        {state.page === 'trace' ? <TraceView key={state.traceId} state={state} navigate={navigate} /> : null}
        {state.page === 'incidents' ? <IncidentsPage navigate={navigate} /> : null}
        {state.page === 'incident' ? <IncidentPage id={state.incidentId} navigate={navigate} /> : null}
        {state.page === 'not-found' ? (
          <div className="empty" data-testid="not-found">
            Nothing here: <code>{state.path}</code>. <a {...linkProps({ page: 'traces', filters: {} }, navigate)}>Back to traces</a>
          </div>
        ) : null}
      </main>
    </div>
  );
}
